// Interoperability corpus through two independent verifiers, for
// tests/vc/test_corpus_js.py: the Digital Credentials Consortium's
// verifier-core (@digitalcredentials/verifier-core, what the Learner Credential
// Wallet and VerifierPlus run) and Digital Bazaar's reference stack
// (@digitalbazaar/vc with the Data Integrity cryptosuites eddsa-rdfc-2022,
// eddsa-jcs-2022, ecdsa-rdfc-2019, ecdsa-jcs-2019 and the Ed25519Signature2020
// and Ed25519Signature2018 suites).
//
// Usage (run from a folder where corpus.package.json is installed as
// package.json):
//
//   node corpus.mjs --manifest CONTEXTS_MANIFEST.json --corpus ROOT \
//     --entries CORPUS_MANIFEST.json [--only ID]...
//
// CONTEXTS_MANIFEST is microcred's src/microcred/vc/contexts/manifest.json;
// CORPUS_MANIFEST is tests/vc/corpus/manifest.json and ROOT the folder holding
// the corpus files it names.
//
// Nothing touches the network. Digital Bazaar's document loader serves only
// microcred's bundled contexts, the entry's own extra contexts (from the
// corpus) and did:key documents. verifier-core brings its own loader, which
// fetches; this harness replaces globalThis.fetch with one that answers from
// the same contexts and the entry's status lists and answers 404 for anything
// else, so a did:web issuer or a schema is "could not be checked", never a
// live request.
//
// Output: one JSON object {entries: {ID: {dcc: RESULT, digitalbazaar: RESULT}}}
// where RESULT is {authentic: "passed"|"failed"|"unknown", reason: TEXT}.
// "unknown" means the verifier gave no answer on the signature: the format is
// not one it reads (a JWT, a baked image), its suites do not cover the proof,
// or the key is out of reach offline. Usage or harness errors exit 2.

import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import process from 'node:process';

import * as vc from '@digitalbazaar/vc';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {CachedResolver} from '@digitalbazaar/did-io';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import {createVerifyCryptosuite as ecdsaJcs2019} from
  '@digitalbazaar/ecdsa-jcs-2019-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from
  '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {createVerifyCryptosuite as eddsaJcs2022} from
  '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {Ed25519Signature2018} from '@digitalbazaar/ed25519-signature-2018';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519VerificationKey2018} from
  '@digitalbazaar/ed25519-verification-key-2018';
import {Ed25519VerificationKey2020} from
  '@digitalbazaar/ed25519-verification-key-2020';

class UsageError extends Error {}

function parseArgs(argv) {
  const options = {only: []};
  for(let i = 0; i < argv.length; ++i) {
    const arg = argv[i];
    const value = () => {
      if(i + 1 >= argv.length) {
        throw new UsageError(`${arg} needs a value`);
      }
      return argv[++i];
    };
    if(arg === '--manifest') {
      options.manifest = value();
    } else if(arg === '--corpus') {
      options.corpus = value();
    } else if(arg === '--entries') {
      options.entries = value();
    } else if(arg === '--only') {
      options.only.push(value());
    } else {
      throw new UsageError(`unknown argument ${arg}`);
    }
  }
  for(const name of ['manifest', 'corpus', 'entries']) {
    if(!options[name]) {
      throw new UsageError(`pass --${name}`);
    }
  }
  return options;
}

function readJson(path, what) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch(e) {
    throw new UsageError(`cannot read ${what} ${path}: ${e.message}`);
  }
  try {
    return JSON.parse(text);
  } catch(e) {
    throw new UsageError(`${what} ${path} is not JSON: ${e.message}`);
  }
}

function loadBundledContexts(manifestPath) {
  const manifest = readJson(manifestPath, 'context manifest');
  const base = dirname(resolve(manifestPath));
  const contexts = new Map();
  for(const {url, file, sha256} of manifest.contexts) {
    const bytes = readFileSync(resolve(base, file));
    const digest = createHash('sha256').update(bytes).digest('hex');
    if(sha256 && digest !== sha256) {
      throw new UsageError(`bundled context ${file} (${url}) has sha256 ` +
        `${digest}, the manifest says ${sha256}`);
    }
    contexts.set(url, JSON.parse(bytes.toString('utf8')));
  }
  return contexts;
}

// --- Digital Bazaar ---------------------------------------------------------

// Ed25519Signature2020 and Ed25519Signature2018 only accept verification
// methods of their own key type, the Data Integrity cryptosuites accept
// Multikey (and translate the older types): the did:key documents are made
// with the key type the credential's proofs need.
async function ed2018FromMultibase({publicKeyMultibase}) {
  return Ed25519VerificationKey2018.fromFingerprint(
    {fingerprint: publicKeyMultibase});
}

function didKeyResolver(ed25519Type) {
  const driver = didKeyDriver();
  const ed25519 = {
    multikey: Ed25519Multikey.from,
    2020: Ed25519VerificationKey2020.from,
    2018: ed2018FromMultibase
  }[ed25519Type];
  driver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: ed25519});
  driver.use({multibaseMultikeyHeader: 'zDna', fromMultibase: EcdsaMultikey.from});
  driver.use({multibaseMultikeyHeader: 'z82L', fromMultibase: EcdsaMultikey.from});
  const resolver = new CachedResolver();
  resolver.use(driver);
  return resolver;
}

const RESOLVERS = {
  multikey: didKeyResolver('multikey'),
  2020: didKeyResolver(2020),
  2018: didKeyResolver(2018)
};

const REFUSED = 'harness document loader refuses';

function makeDocumentLoader(contexts, keyType) {
  const resolver = RESOLVERS[keyType];
  return async function documentLoader(url) {
    const context = contexts.get(url);
    if(context !== undefined) {
      return {
        contextUrl: null, documentUrl: url,
        document: structuredClone(context), tag: 'static'
      };
    }
    if(typeof url === 'string' && url.startsWith('did:key:')) {
      const document = await resolver.get({url});
      return {contextUrl: null, documentUrl: url, document};
    }
    throw new Error(`${REFUSED} "${url}": it serves only bundled contexts, ` +
      'the corpus entry\'s contexts and did:key documents');
  };
}

const DB_SUITES = [
  new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
  new DataIntegrityProof({cryptosuite: eddsaJcs2022()}),
  new DataIntegrityProof({cryptosuite: ecdsaRdfc2019}),
  new DataIntegrityProof({cryptosuite: ecdsaJcs2019()}),
  new Ed25519Signature2020(),
  new Ed25519Signature2018()
];

function proofsOf(credential) {
  const proof = credential.proof;
  return Array.isArray(proof) ? proof : (proof ? [proof] : []);
}

// A moment inside the credential's validity period: @digitalbazaar/vc refuses
// an expired or not-yet-valid credential outright, and only its signature
// answer is compared here.
function momentInside(credential) {
  const start = credential.validFrom ?? credential.issuanceDate;
  if(typeof start === 'string' && !Number.isNaN(Date.parse(start))) {
    return new Date(Date.parse(start) + 1000);
  }
  return new Date();
}

function messages(error, out = []) {
  if(!error) {
    return out;
  }
  out.push(`${error.name ?? ''}: ${error.message ?? String(error)}`);
  for(const inner of error.errors ?? []) {
    messages(inner, out);
  }
  if(error.cause) {
    messages(error.cause, out);
  }
  return out;
}

async function digitalBazaar(credential, contexts) {
  const types = new Set(proofsOf(credential).map(p => p?.type));
  const keyType = types.has('Ed25519Signature2018') ? 2018 :
    (types.has('Ed25519Signature2020') ? 2020 : 'multikey');
  const documentLoader = makeDocumentLoader(contexts, keyType);
  let result;
  try {
    result = await vc.verifyCredential({
      credential, suite: DB_SUITES, documentLoader,
      now: momentInside(credential),
      // status is not part of the question compared here (authenticity)
      checkStatus: async () => ({verified: true})
    });
  } catch(e) {
    result = {verified: false, error: e};
  }
  if(result.verified === true) {
    return {authentic: 'passed', reason: 'verified'};
  }
  const text = messages(result.error).concat(
    (result.results ?? []).flatMap(r => messages(r.error)));
  const joined = text.join(' | ');
  if(joined.includes(REFUSED)) {
    return {authentic: 'unknown', reason: `key or document out of reach offline: ${joined}`};
  }
  if(joined.includes('No matching proofs found') ||
    joined.includes('insufficient proofs matched')) {
    return {authentic: 'unknown', reason: `no suite for its proof: ${joined}`};
  }
  return {authentic: 'failed', reason: joined || 'not verified'};
}

// --- DCC verifier-core ------------------------------------------------------

let offlineDocuments = new Map();
// The URLs verifier-core asked for that the corpus does not hold (reset for
// every entry).
let misses = [];

// verifier-core's own suites: Ed25519Signature2020 and eddsa-rdfc-2022.
function dccSupports(proof) {
  return proof?.type === 'Ed25519Signature2020' ||
    (proof?.type === 'DataIntegrityProof' &&
      proof?.cryptosuite === 'eddsa-rdfc-2022');
}

function offlineFetch(input) {
  const url = typeof input === 'string' ? input :
    (input instanceof URL ? input.href : input.url);
  const document = offlineDocuments.get(url);
  if(document === undefined) {
    misses.push(url);
    return Promise.resolve(new Response('not in the offline corpus',
      {status: 404, headers: {'content-type': 'text/plain'}}));
  }
  return Promise.resolve(new Response(JSON.stringify(document), {
    status: 200, headers: {'content-type': 'application/json'}
  }));
}

async function dcc(verifyCredential, credential) {
  if(!proofsOf(credential).some(dccSupports)) {
    return {authentic: 'unknown', reason: 'no suite for its proof: ' +
      proofsOf(credential).map(p => p?.cryptosuite ?? p?.type).join(', ')};
  }
  misses = [];
  let response;
  try {
    response = await verifyCredential({credential, knownDIDRegistries: []});
  } catch(e) {
    return {authentic: 'unknown', reason: `verifier-core threw: ${e.message}`};
  }
  const signature = (response.log ?? []).find(s => s.id === 'valid_signature');
  if(signature) {
    return signature.valid ?
      {authentic: 'passed', reason: 'valid_signature'} :
      {authentic: 'failed', reason: JSON.stringify(signature.error ?? {})};
  }
  const [error] = response.errors ?? [];
  if(!error) {
    // vc.verifyCredential refuses a credential that is not yet valid (or has
    // no issuer) before any proof is checked: no signature result
    return {authentic: 'unknown', reason: 'no signature result (log: ' +
      (response.log ?? []).map(s => s.id).join(', ') + ')'};
  }
  const name = error.name;
  const detail = JSON.stringify(error?.stackTrace ?? error?.details ?? '');
  if(name === 'invalid_signature') {
    // verifier-core reports a key or context it could not load as an
    // invalid signature too: offline, that is "could not be checked"
    const unreachable = misses.filter(url => !url.endsWith('.json') ||
      !url.includes('schema'));
    if(unreachable.length) {
      return {authentic: 'unknown', reason: `${error.message} (offline, it ` +
        `could not load ${unreachable.join(', ')})`};
    }
    return {authentic: 'failed', reason: `${error.message} ${detail}`.trim()};
  }
  if(name === 'no_proof' || name === 'jsonld.ValidationError') {
    return {authentic: 'failed', reason: `${name}: ${error.message}`};
  }
  // http_error_with_signature_check, did_web_unresolved, invalid_credential_id,
  // no_vc_context, unknown_error: it did not check the signature
  return {authentic: 'unknown', reason: `${name}: ${error.message ?? ''}`};
}

// --- main -------------------------------------------------------------------

function entryDocuments(entry, root, bundled) {
  const contexts = new Map(bundled);
  for(const [url, file] of Object.entries(entry.contexts ?? {})) {
    contexts.set(url, readJson(resolve(root, file), 'context'));
  }
  const documents = new Map(contexts);
  for(const [url, file] of Object.entries(entry.status_lists ?? {})) {
    documents.set(url, readJson(resolve(root, file), 'status list'));
  }
  return {contexts, documents};
}

async function main() {
  try {
    const options = parseArgs(process.argv.slice(2));
    const bundled = loadBundledContexts(options.manifest);
    const corpus = readJson(options.entries, 'corpus manifest');
    // verifier-core logs to the console: keep standard output for the report
    console.log = console.info = console.warn = console.error;
    // verifier-core builds its document loader when imported: fetch is
    // replaced first.
    globalThis.fetch = offlineFetch;
    const {verifyCredential} = await import('@digitalcredentials/verifier-core');
    const out = {entries: {}};
    for(const entry of corpus.entries) {
      if(options.only.length && !options.only.includes(entry.id)) {
        continue;
      }
      if(entry.format !== 'json') {
        const skip = {
          authentic: 'unknown',
          reason: `reads JSON-LD credentials only, not ${entry.format}`
        };
        out.entries[entry.id] = {dcc: skip, digitalbazaar: skip};
        continue;
      }
      const {contexts, documents} = entryDocuments(entry, options.corpus, bundled);
      offlineDocuments = documents;
      const credential = readJson(resolve(options.corpus, entry.file), 'credential');
      out.entries[entry.id] = {
        dcc: await dcc(verifyCredential, structuredClone(credential)),
        digitalbazaar: await digitalBazaar(structuredClone(credential), contexts)
      };
    }
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  } catch(e) {
    const what = e instanceof UsageError ? 'usage' : 'error';
    process.stderr.write(`corpus harness ${what}: ${e.stack ?? e}\n`);
    return 2;
  }
}

process.exitCode = await main();
