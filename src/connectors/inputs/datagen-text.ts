/**
 * Datagen's string-only strategies (Feldera uses the Rust `fake` crate's English faker): the same
 * kinds of text, from small built-in word lists. `min`/`max` is the field's `range` ([0, 25) by
 * default): a word or sentence count, or a password length.
 */
import type { RowRandom } from './random.js';

type TextGenerator = (random: RowRandom, min: number, max: number) => string;

const LOREM = ('lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et '
  + 'dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo '
  + 'consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur excepteur sint '
  + 'occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum').split(' ');
const FIRST_NAMES = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Aiden', 'Zoe'];
const LAST_NAMES = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Wilson', 'Anderson', 'Taylor', 'Thomas', 'Moore', 'Jackson', 'Martin', 'Lee', 'Walker', 'Young'];
const TITLES = ['Mr.', 'Mrs.', 'Ms.', 'Miss', 'Dr.'];
const SUFFIXES = ['Jr.', 'Sr.', 'I', 'II', 'III', 'IV', 'V', 'MD', 'DDS', 'PhD', 'DVM'];
const DOMAIN_SUFFIXES = ['com', 'net', 'org', 'info', 'biz', 'io', 'co', 'us', 'name'];
const SAFE_EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net'];
const JOB_FIELDS = ['Marketing', 'Sales', 'Finance', 'Engineering', 'Operations', 'Research', 'Security', 'Quality'];
const JOB_POSITIONS = ['Supervisor', 'Associate', 'Executive', 'Liaison', 'Officer', 'Manager', 'Engineer', 'Specialist',
  'Director', 'Coordinator', 'Administrator', 'Architect', 'Analyst', 'Designer', 'Planner', 'Technician', 'Developer'];
const SENIORITIES = ['Lead', 'Senior', 'Direct', 'Corporate', 'Dynamic', 'Future', 'Product', 'National', 'Regional',
  'District', 'Central', 'Global', 'Customer', 'Investor', 'Internal', 'International', 'Legacy', 'Forward', 'Principal'];
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'curl/8.5.0',
];
const RFC_STATUS_CODES = ['100', '101', '102', '103', '200', '201', '202', '203', '204', '205', '206', '207', '208', '226',
  '300', '301', '302', '303', '304', '305', '307', '308', '400', '401', '402', '403', '404', '405', '406', '407', '408',
  '409', '410', '411', '412', '413', '414', '415', '416', '417', '418', '421', '422', '423', '424', '425', '426', '428',
  '429', '431', '451', '500', '501', '502', '503', '504', '505', '506', '507', '508', '510', '511'];
const VALID_STATUS_CODES = ['200', '201', '202', '204', '206', '301', '302', '304', '400', '401', '403', '404', '405',
  '409', '410', '422', '429', '500', '502', '503', '504'];
const COMPANY_SUFFIXES = ['Inc', 'and Sons', 'LLC', 'Group', 'Ltd', 'Corp'];
const BUZZWORDS = ['Adaptive', 'Automated', 'Balanced', 'Centralized', 'Configurable', 'Cross-platform', 'Distributed',
  'Ergonomic', 'Focused', 'Innovative', 'Integrated', 'Multi-layered', 'Optimized', 'Proactive', 'Robust', 'Synergized'];
const BUZZWORDS_MIDDLE = ['24/7', 'asynchronous', 'bi-directional', 'client-driven', 'context-sensitive', 'dynamic',
  'fault-tolerant', 'high-level', 'interactive', 'mission-critical', 'real-time', 'scalable', 'zero-defect'];
const BUZZWORDS_TAIL = ['ability', 'algorithm', 'architecture', 'archive', 'benchmark', 'capability', 'database',
  'framework', 'hierarchy', 'infrastructure', 'interface', 'middleware', 'paradigm', 'protocol', 'throughput'];
const BS_VERBS = ['implement', 'utilize', 'integrate', 'streamline', 'optimize', 'evolve', 'transform', 'embrace',
  'enable', 'orchestrate', 'leverage', 'reinvent', 'aggregate', 'architect', 'enhance', 'incentivize', 'scale'];
const BS_ADJECTIVES = ['clicks-and-mortar', 'value-added', 'vertical', 'proactive', 'robust', 'revolutionary', 'scalable',
  'leading-edge', 'innovative', 'intuitive', 'strategic', 'e-business', 'mission-critical', 'sticky', 'one-to-one'];
const BS_NOUNS = ['synergies', 'web-readiness', 'paradigms', 'markets', 'partnerships', 'infrastructures', 'platforms',
  'initiatives', 'channels', 'eyeballs', 'communities', 'ROI', 'solutions', 'e-tailers', 'models', 'networks'];
const PROFESSIONS = ['teacher', 'actor', 'musician', 'philosopher', 'writer', 'nurse', 'engineer', 'farmer', 'designer',
  'architect', 'chef', 'pilot', 'lawyer', 'accountant', 'firefighter', 'librarian', 'scientist', 'doctor'];
const INDUSTRIES = ['Accounting', 'Airlines/Aviation', 'Banking', 'Biotechnology', 'Computer Software', 'Construction',
  'Education Management', 'Financial Services', 'Hospitality', 'Insurance', 'Logistics and Supply Chain', 'Retail'];
const CURRENCIES: readonly (readonly [code: string, name: string, symbol: string])[] = [
  ['USD', 'US Dollar', '$'], ['EUR', 'Euro', '€'], ['GBP', 'Pound Sterling', '£'], ['JPY', 'Yen', '¥'],
  ['CHF', 'Swiss Franc', 'Fr.'], ['INR', 'Indian Rupee', '₹'], ['CNY', 'Yuan Renminbi', '¥'], ['KRW', 'Won', '₩'],
  ['BRL', 'Brazilian Real', 'R$'], ['SEK', 'Swedish Krona', 'kr'], ['CAD', 'Canadian Dollar', '$'],
];
const CITY_PREFIXES = ['North', 'East', 'West', 'South', 'New', 'Lake', 'Port', 'Fort', 'Mount'];
const CITY_SUFFIXES = ['town', 'ton', 'land', 'ville', 'berg', 'burgh', 'borough', 'bury', 'view', 'port', 'mouth',
  'stad', 'furt', 'chester', 'fort', 'haven', 'side', 'shire'];
const COUNTRIES: readonly (readonly [name: string, code: string])[] = [
  ['United States', 'US'], ['Canada', 'CA'], ['Mexico', 'MX'], ['Brazil', 'BR'], ['Argentina', 'AR'],
  ['United Kingdom', 'GB'], ['France', 'FR'], ['Germany', 'DE'], ['Italy', 'IT'], ['Spain', 'ES'], ['Poland', 'PL'],
  ['Sweden', 'SE'], ['Norway', 'NO'], ['Egypt', 'EG'], ['Nigeria', 'NG'], ['Kenya', 'KE'], ['South Africa', 'ZA'],
  ['India', 'IN'], ['China', 'CN'], ['Japan', 'JP'], ['South Korea', 'KR'], ['Australia', 'AU'], ['New Zealand', 'NZ'],
];
const STREET_SUFFIXES = ['Street', 'Avenue', 'Road', 'Lane', 'Drive', 'Court', 'Boulevard', 'Way', 'Place', 'Terrace'];
const TIME_ZONES = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'America/Sao_Paulo',
  'Europe/London', 'Europe/Paris', 'Europe/Berlin', 'Africa/Cairo', 'Africa/Lagos', 'Asia/Kolkata', 'Asia/Shanghai',
  'Asia/Tokyo', 'Australia/Sydney', 'Pacific/Auckland', 'UTC'];
const STATES: readonly (readonly [name: string, abbreviation: string])[] = [
  ['Alabama', 'AL'], ['Alaska', 'AK'], ['Arizona', 'AZ'], ['California', 'CA'], ['Colorado', 'CO'], ['Florida', 'FL'],
  ['Georgia', 'GA'], ['Illinois', 'IL'], ['Massachusetts', 'MA'], ['Michigan', 'MI'], ['New York', 'NY'],
  ['Ohio', 'OH'], ['Oregon', 'OR'], ['Pennsylvania', 'PA'], ['Texas', 'TX'], ['Virginia', 'VA'], ['Washington', 'WA'],
];
const SECONDARY_ADDRESS_TYPES = ['Apt.', 'Suite'];
const FILE_EXTENSIONS = ['txt', 'csv', 'json', 'md', 'html', 'png', 'jpg', 'pdf', 'mp3', 'mp4', 'zip', 'rs', 'ts'];
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const PASSWORD_CHARS = `${ALPHANUMERIC}!@#$%^&*`;

function pick<T>(random: RowRandom, list: readonly T[]): T {
  return list[random.below(list.length)] as T;
}

function between(random: RowRandom, min: number, max: number): number {
  return min + random.below(max - min);
}

function digits(random: RowRandom, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += String(random.below(10));
  return text;
}

/** `#` is a digit, `^` a digit from 1 to 9. */
function pattern(random: RowRandom, template: string): string {
  let text = '';
  for (const char of template) {
    if (char === '#') text += String(random.below(10));
    else if (char === '^') text += String(1 + random.below(9));
    else text += char;
  }
  return text;
}

export function alphanumeric(random: RowRandom, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHANUMERIC[random.below(ALPHANUMERIC.length)];
  return text;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function words(random: RowRandom, count: number): string[] {
  return Array.from({ length: count }, () => pick(random, LOREM));
}

function sentence(random: RowRandom, min: number, max: number): string {
  return `${capitalize(words(random, between(random, min, max)).join(' '))}.`;
}

function paragraph(random: RowRandom, min: number, max: number): string {
  return Array.from({ length: between(random, min, max) }, () => sentence(random, 4, 10)).join(' ');
}

function firstName(random: RowRandom): string {
  return pick(random, FIRST_NAMES);
}

function lastName(random: RowRandom): string {
  return pick(random, LAST_NAMES);
}

function username(random: RowRandom): string {
  const first = firstName(random).toLowerCase();
  switch (random.below(3)) {
    case 0:
      return `${first}${digits(random, 2)}`;
    case 1:
      return `${first}_${lastName(random).toLowerCase()}`;
    default:
      return `${first}.${lastName(random).toLowerCase()}`;
  }
}

function ipv4(random: RowRandom): string {
  return Array.from({ length: 4 }, () => String(random.below(256))).join('.');
}

function ipv6(random: RowRandom): string {
  return Array.from({ length: 8 }, () => random.below(65536).toString(16)).join(':');
}

function hexByte(random: RowRandom): string {
  return random.below(256).toString(16).padStart(2, '0');
}

function companyName(random: RowRandom): string {
  switch (random.below(3)) {
    case 0:
      return `${lastName(random)} ${pick(random, COMPANY_SUFFIXES)}`;
    case 1:
      return `${lastName(random)}-${lastName(random)}`;
    default:
      return `${lastName(random)}, ${lastName(random)} and ${lastName(random)}`;
  }
}

/** Digits with a Luhn check digit, as payment card numbers have. */
function creditCardNumber(random: RowRandom): string {
  const body = `4${digits(random, 14)}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let digit = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return body + String((10 - (sum % 10)) % 10);
}

function isbn10(random: RowRandom): string {
  const body = digits(random, 9);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (10 - i) * Number(body[i]);
  const check = (11 - (sum % 11)) % 11;
  return `${body.slice(0, 1)}-${body.slice(1, 4)}-${body.slice(4, 9)}-${check === 10 ? 'X' : String(check)}`;
}

function isbn13(random: RowRandom): string {
  const body = `978${digits(random, 9)}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (i % 2 === 0 ? 1 : 3) * Number(body[i]);
  const check = (10 - (sum % 10)) % 10;
  return `${body.slice(0, 3)}-${body.slice(3, 4)}-${body.slice(4, 7)}-${body.slice(7, 12)}-${check}`;
}

function coordinate(random: RowRandom, limit: number): string {
  return ((random.float() * 2 - 1) * limit).toFixed(6);
}

function cityName(random: RowRandom): string {
  return random.below(2) === 0
    ? `${pick(random, CITY_PREFIXES)} ${firstName(random)}${pick(random, CITY_SUFFIXES)}`
    : `${lastName(random)}${pick(random, CITY_SUFFIXES)}`;
}

function path(random: RowRandom, depth: number): string {
  return Array.from({ length: depth }, () => `/${pick(random, LOREM)}`).join('');
}

/** Every string strategy of Feldera's DatagenStrategy, by its configuration name. */
export const TEXT_STRATEGIES = {
  word: (random) => pick(random, LOREM),
  words: (random, min, max) => words(random, between(random, min, max)).join(' '),
  sentence,
  sentences: (random, min, max) => Array.from({ length: between(random, min, max) }, () => sentence(random, 4, 10)).join(' '),
  paragraph,
  paragraphs: (random, min, max) => Array.from({ length: between(random, min, max) }, () => paragraph(random, 3, 7)).join(' '),
  first_name: firstName,
  last_name: lastName,
  title: (random) => pick(random, TITLES),
  suffix: (random) => pick(random, SUFFIXES),
  name: (random) => `${firstName(random)} ${lastName(random)}`,
  name_with_title: (random) => `${pick(random, TITLES)} ${firstName(random)} ${lastName(random)}`,
  domain_suffix: (random) => pick(random, DOMAIN_SUFFIXES),
  email: (random) => `${username(random)}@${pick(random, SAFE_EMAIL_DOMAINS)}`,
  username,
  password: (random, min, max) => {
    const length = between(random, min, max);
    let text = '';
    for (let i = 0; i < length; i++) text += PASSWORD_CHARS[random.below(PASSWORD_CHARS.length)];
    return text;
  },
  field: (random) => pick(random, JOB_FIELDS),
  position: (random) => pick(random, JOB_POSITIONS),
  seniority: (random) => pick(random, SENIORITIES),
  job_title: (random) => `${pick(random, SENIORITIES)} ${pick(random, JOB_FIELDS)} ${pick(random, JOB_POSITIONS)}`,
  ipv4,
  ipv6,
  ip: (random) => (random.below(2) === 0 ? ipv4(random) : ipv6(random)),
  mac_address: (random) => Array.from({ length: 6 }, () => hexByte(random)).join(':'),
  user_agent: (random) => pick(random, USER_AGENTS),
  rfc_status_code: (random) => pick(random, RFC_STATUS_CODES),
  valid_status_code: (random) => pick(random, VALID_STATUS_CODES),
  company_suffix: (random) => pick(random, COMPANY_SUFFIXES),
  company_name: companyName,
  buzzword: (random) => pick(random, BUZZWORDS),
  buzzword_middle: (random) => pick(random, BUZZWORDS_MIDDLE),
  buzzword_tail: (random) => pick(random, BUZZWORDS_TAIL),
  catch_phrase: (random) => `${pick(random, BUZZWORDS)} ${pick(random, BUZZWORDS_MIDDLE)} ${pick(random, BUZZWORDS_TAIL)}`,
  bs_verb: (random) => pick(random, BS_VERBS),
  bs_adj: (random) => pick(random, BS_ADJECTIVES),
  bs_noun: (random) => pick(random, BS_NOUNS),
  bs: (random) => `${pick(random, BS_VERBS)} ${pick(random, BS_ADJECTIVES)} ${pick(random, BS_NOUNS)}`,
  profession: (random) => pick(random, PROFESSIONS),
  industry: (random) => pick(random, INDUSTRIES),
  currency_code: (random) => pick(random, CURRENCIES)[0],
  currency_name: (random) => pick(random, CURRENCIES)[1],
  currency_symbol: (random) => pick(random, CURRENCIES)[2],
  credit_card_number: creditCardNumber,
  city_prefix: (random) => pick(random, CITY_PREFIXES),
  city_suffix: (random) => pick(random, CITY_SUFFIXES),
  city_name: cityName,
  country_name: (random) => pick(random, COUNTRIES)[0],
  country_code: (random) => pick(random, COUNTRIES)[1],
  street_suffix: (random) => pick(random, STREET_SUFFIXES),
  street_name: (random) => `${random.below(2) === 0 ? firstName(random) : lastName(random)} ${pick(random, STREET_SUFFIXES)}`,
  time_zone: (random) => pick(random, TIME_ZONES),
  state_name: (random) => pick(random, STATES)[0],
  state_abbr: (random) => pick(random, STATES)[1],
  secondary_address_type: (random) => pick(random, SECONDARY_ADDRESS_TYPES),
  secondary_address: (random) => `${pick(random, SECONDARY_ADDRESS_TYPES)} ${pattern(random, '^##')}`,
  zip_code: (random) => pattern(random, random.below(2) === 0 ? '#####' : '#####-####'),
  post_code: (random) => pattern(random, '#####'),
  building_number: (random) => pattern(random, pick(random, ['^####', '^###', '^##'])),
  latitude: (random) => coordinate(random, 90),
  longitude: (random) => coordinate(random, 180),
  isbn: (random) => (random.below(2) === 0 ? isbn10(random) : isbn13(random)),
  isbn13,
  isbn10,
  phone_number: (random) => pattern(random, pick(random, ['^##-###-####', '(^##) ###-####', '1-^##-###-####', '^##.###.####'])),
  cell_number: (random) => pattern(random, pick(random, ['^##-###-####', '(^##) ###-####', '1-^##-###-####'])),
  file_path: (random) => `${path(random, 2)}.${pick(random, FILE_EXTENSIONS)}`,
  file_name: (random) => `${pick(random, LOREM)}.${pick(random, FILE_EXTENSIONS)}`,
  file_extension: (random) => pick(random, FILE_EXTENSIONS),
  dir_path: (random) => path(random, 3),
} satisfies Record<string, TextGenerator>;

export type TextStrategy = keyof typeof TEXT_STRATEGIES;

export function isTextStrategy(name: string): name is TextStrategy {
  return Object.hasOwn(TEXT_STRATEGIES, name);
}
