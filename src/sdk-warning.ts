/**
 * The AWS SDK warns, on the first client created under Node 20, that its releases from 2027 need
 * Node 22: eight lines on stderr that a user of dynaview cannot act on. The SDK reads this variable
 * when a client is created, so setting it here (first import of every entry point) silences it
 * for dynaview's clients; a value the user has set is kept.
 */
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

export {};
