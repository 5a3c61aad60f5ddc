import java.lang.reflect.Field;

/**
 * Starts DynamoDB Local (same arguments as its own main class) listening on 127.0.0.1 only, and
 * ends it when its standard input closes, that is when the process that started it has exited,
 * however it exited (SIGKILL included).
 *
 * DynamoDB Local has no bind-address option: it builds a Jetty Server from a port, which listens on
 * every interface. Before starting it, this sets the host of its (not yet open) connector.
 * Unlike DynamoDB Local's own main class, it configures no telemetry, so none is sent.
 *
 * Its compiled class is embedded in src/local/loopback-launcher-class.ts; after editing this file,
 * regenerate that with `node src/local/java/build.mjs` (needs a JDK 17 or newer).
 */
public final class LoopbackLauncher {
  public static void main(String[] args) throws Exception {
    Thread watchdog = new Thread(LoopbackLauncher::exitWhenParentGone, "dynaview-parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    Class<?> runner = Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner");
    Object proxy = runner.getMethod("createServerFromCommandLineArgs", String[].class).invoke(null, (Object) args);
    Class<?> jettyServer = Class.forName("org.eclipse.jetty.server.Server");
    Object server = null;
    for (Field field : proxy.getClass().getDeclaredFields()) {
      if (field.getType() == jettyServer) {
        field.setAccessible(true);
        server = field.get(proxy);
      }
    }
    if (server == null) fail("no Jetty server found in " + proxy.getClass().getName());
    Object[] connectors = (Object[]) jettyServer.getMethod("getConnectors").invoke(server);
    if (connectors.length == 0) fail("DynamoDB Local's Jetty server has no connector");
    for (Object connector : connectors) {
      try {
        connector.getClass().getMethod("setHost", String.class).invoke(connector, "127.0.0.1");
      } catch (NoSuchMethodException e) {
        fail("cannot set the host of connector " + connector.getClass().getName());
      }
    }
    proxy.getClass().getMethod("start").invoke(proxy);
    System.out.println("dynaview: DynamoDB Local listening on 127.0.0.1 only");
  }

  private static void exitWhenParentGone() {
    try {
      while (System.in.read() != -1) {
        // Nothing is sent on this pipe; it only closes.
      }
    } catch (java.io.IOException ignored) {
      // A broken pipe means the same as end of input.
    }
    Runtime.getRuntime().halt(0);
  }

  private static void fail(String message) {
    // Refuse to start rather than listen on every interface.
    System.err.println("dynaview: " + message + "; refusing to start DynamoDB Local on every interface");
    System.exit(70);
  }
}
