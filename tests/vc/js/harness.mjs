// Interoperability harness: drives Digital Bazaar's reference JavaScript stack
// (@digitalbazaar/vc + DataIntegrityProof + eddsa-rdfc-2022) for
// tests/vc/test_interop_js.py.
//
// Usage (run from a folder where package.json beside this file is installed):
//
//   node harness.mjs verify    --manifest MANIFEST.json CREDENTIAL.json
//   node harness.mjs issue     --manifest MANIFEST.json --key KEY.json [--created ISO] IN.json
//   node harness.mjs canonize  --manifest MANIFEST.json DOCUMENT.json
//   node harness.mjs present   --manifest MANIFEST.json --key KEY.json
//                              [--challenge C] [--domain D] PRESENTATION.json
//   node harness.mjs verify-presentation --manifest MANIFEST.json
//                              [--challenge C] [--domain D] PRESENTATION.json
//
// The manifest is microcred's src/microcred/vc/contexts/manifest.json (or set
// MICROCRED_CONTEXTS_MANIFEST). The JSON-LD document loader serves only the
// contexts that manifest lists (each checked against its sha256) and did:key
// documents; every other URL is refused, so nothing ever touches the network.
//
// Output: `verify` prints a JSON report {verified, error, results} and exits 0
// when verified, 1 when not; `issue` prints the signed credential;
// `canonize` prints RDFC-1.0 N-Quads; `present` signs an unsigned presentation
// for authentication with the challenge and domain; `verify-presentation`
// prints a report like `verify` (vc.verify checks the presentation's proof,
// its challenge and domain, and every credential in it). Usage or harness
// errors exit 2.

import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {dirname, resolve} from 'node:path';
import process from 'node:process';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {CachedResolver} from '@digitalbazaar/did-io';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import jsonld from 'jsonld';

class UsageError extends Error {}

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const options = {positional: []};
  const valued = new Set([
    '--manifest', '--key', '--created', '--challenge', '--domain'
  ]);
  for(let i = 0; i < rest.length; ++i) {
    const arg = rest[i];
    if(valued.has(arg)) {
      if(i + 1 >= rest.length) {
        throw new UsageError(`${arg} needs a value`);
      }
      options[arg.slice(2)] = rest[++i];
    } else if(arg.startsWith('--')) {
      throw new UsageError(`unknown option ${arg}`);
    } else {
      options.positional.push(arg);
    }
  }
  options.manifest = options.manifest ??
    process.env.MICROCRED_CONTEXTS_MANIFEST;
  if(!options.manifest) {
    throw new UsageError(
      'pass --manifest PATH (or set MICROCRED_CONTEXTS_MANIFEST)');
  }
  return {command, options};
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

// --- document loader ---------------------------------------------------------

function loadBundledContexts(manifestPath) {
  const manifest = readJson(manifestPath, 'context manifest');
  if(!Array.isArray(manifest?.contexts)) {
    throw new UsageError(`${manifestPath} has no "contexts" array`);
  }
  const base = dirname(resolve(manifestPath));
  const contexts = new Map();
  for(const {url, file, sha256} of manifest.contexts) {
    const bytes = readFileSync(resolve(base, file));
    const digest = createHash('sha256').update(bytes).digest('hex');
    if(sha256 && digest !== sha256) {
      throw new UsageError(
        `bundled context ${file} (${url}) has sha256 ${digest}, ` +
        `the manifest says ${sha256}`);
    }
    contexts.set(url, JSON.parse(bytes.toString('utf8')));
  }
  return contexts;
}

function makeDocumentLoader(contexts) {
  const keyDriver = didKeyDriver();
  keyDriver.use({
    multibaseMultikeyHeader: 'z6Mk',
    fromMultibase: Ed25519Multikey.from
  });
  const resolver = new CachedResolver();
  resolver.use(keyDriver);

  const loaded = [];
  async function documentLoader(url) {
    loaded.push(url);
    const context = contexts.get(url);
    if(context !== undefined) {
      return {
        contextUrl: null,
        documentUrl: url,
        document: structuredClone(context),
        tag: 'static'
      };
    }
    if(typeof url === 'string' && url.startsWith('did:key:')) {
      const document = await resolver.get({url});
      return {contextUrl: null, documentUrl: url, document};
    }
    throw new Error(
      `harness document loader refuses "${url}": it serves only ` +
      'microcred\'s bundled contexts and did:key documents');
  }
  documentLoader.loaded = loaded;
  return documentLoader;
}

// --- error reporting ---------------------------------------------------------

function describeError(error, depth = 0) {
  if(error === null || error === undefined) {
    return null;
  }
  if(!(error instanceof Error) && typeof error !== 'object') {
    return {message: String(error)};
  }
  const out = {
    name: error.name,
    message: error.message,
  };
  for(const key of ['code', 'details']) {
    if(error[key] !== undefined) {
      out[key] = error[key];
    }
  }
  if(depth < 4) {
    if(Array.isArray(error.errors)) {
      out.errors = error.errors.map(e => describeError(e, depth + 1));
    }
    if(error.cause) {
      out.cause = describeError(error.cause, depth + 1);
    }
  }
  if(error.stack) {
    out.stack = String(error.stack).split('\n').slice(0, 8).join('\n');
  }
  return out;
}

function jsonReplacer(_key, value) {
  return value instanceof Error ? describeError(value) : value;
}

// --- commands ----------------------------------------------------------------

async function verify({positional}, documentLoader) {
  if(positional.length !== 1) {
    throw new UsageError('verify takes one credential file');
  }
  const credential = readJson(positional[0], 'credential');
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  let result;
  try {
    result = await vc.verifyCredential({credential, suite, documentLoader});
  } catch(e) {
    result = {verified: false, error: e};
  }
  const report = {
    verified: result.verified === true,
    error: describeError(result.error),
    results: result.results ?? [],
    loaded: documentLoader.loaded
  };
  process.stdout.write(JSON.stringify(report, jsonReplacer, 2) + '\n');
  return report.verified ? 0 : 1;
}

async function keyPairFrom(key) {
  const keyFile = readJson(key, 'key file');
  const {publicKeyMultibase, secretKeyMultibase} = keyFile;
  if(!publicKeyMultibase || !secretKeyMultibase) {
    throw new UsageError(
      `${key} needs publicKeyMultibase and secretKeyMultibase`);
  }
  const did = `did:key:${publicKeyMultibase}`;
  const id = `${did}#${publicKeyMultibase}`;
  return Ed25519Multikey.from({
    type: 'Multikey', id, controller: did,
    publicKeyMultibase, secretKeyMultibase
  });
}

async function present(
  {positional, key, created, challenge, domain}, documentLoader) {
  if(positional.length !== 1 || !key) {
    throw new UsageError(
      'present takes --key KEY.json and one presentation file');
  }
  const keyPair = await keyPairFrom(key);
  const presentation = readJson(positional[0], 'presentation');
  const suite = new DataIntegrityProof({
    signer: keyPair.signer(),
    cryptosuite: eddsaRdfc2022,
    ...(created ? {date: created} : {})
  });
  const signed = await vc.signPresentation(
    {presentation, suite, challenge, domain, documentLoader});
  process.stdout.write(JSON.stringify(signed, null, 2) + '\n');
  return 0;
}

async function verifyPresentation(
  {positional, challenge, domain}, documentLoader) {
  if(positional.length !== 1) {
    throw new UsageError('verify-presentation takes one presentation file');
  }
  const presentation = readJson(positional[0], 'presentation');
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  let result;
  try {
    result = await vc.verify(
      {presentation, suite, challenge, domain, documentLoader});
  } catch(e) {
    result = {verified: false, error: e};
  }
  const report = {
    verified: result.verified === true,
    error: describeError(result.error),
    presentationResult: result.presentationResult ?? null,
    credentialResults: result.credentialResults ?? []
  };
  process.stdout.write(JSON.stringify(report, jsonReplacer, 2) + '\n');
  return report.verified ? 0 : 1;
}

async function issue({positional, key, created}, documentLoader) {
  if(positional.length !== 1 || !key) {
    throw new UsageError('issue takes --key KEY.json and one credential file');
  }
  const keyFile = readJson(key, 'key file');
  const {publicKeyMultibase, secretKeyMultibase} = keyFile;
  if(!publicKeyMultibase || !secretKeyMultibase) {
    throw new UsageError(
      `${key} needs publicKeyMultibase and secretKeyMultibase`);
  }
  const did = `did:key:${publicKeyMultibase}`;
  const id = `${did}#${publicKeyMultibase}`;
  if(keyFile.did && keyFile.did !== did) {
    throw new UsageError(`${key}: did ${keyFile.did} is not ${did}`);
  }
  const keyPair = await Ed25519Multikey.from({
    type: 'Multikey', id, controller: did,
    publicKeyMultibase, secretKeyMultibase
  });
  const credential = readJson(positional[0], 'credential');
  const suite = new DataIntegrityProof({
    signer: keyPair.signer(),
    cryptosuite: eddsaRdfc2022,
    ...(created ? {date: created} : {})
  });
  const signed = await vc.issue({credential, suite, documentLoader});
  process.stdout.write(JSON.stringify(signed, null, 2) + '\n');
  return 0;
}

async function canonize({positional}, documentLoader) {
  if(positional.length !== 1) {
    throw new UsageError('canonize takes one document file');
  }
  const document = readJson(positional[0], 'document');
  // The same options eddsa-rdfc-2022 uses for the document (safe mode on).
  const nquads = await jsonld.canonize(document, {
    algorithm: 'RDFC-1.0',
    format: 'application/n-quads',
    base: null,
    safe: true,
    rdfDirection: 'i18n-datatype',
    documentLoader
  });
  process.stdout.write(nquads);
  return 0;
}

const COMMANDS = {
  verify, issue, canonize, present,
  'verify-presentation': verifyPresentation
};

async function main() {
  try {
    const {command, options} = parseArgs(process.argv.slice(2));
    const run = COMMANDS[command];
    if(!run) {
      throw new UsageError(
        `unknown command "${command}"; use ${Object.keys(COMMANDS).join(', ')}`);
    }
    const documentLoader = makeDocumentLoader(
      loadBundledContexts(options.manifest));
    return await run(options, documentLoader);
  } catch(e) {
    const what = e instanceof UsageError ? 'usage' : 'error';
    process.stderr.write(
      `harness ${what}: ${JSON.stringify(describeError(e), null, 2)}\n`);
    return 2;
  }
}

process.exitCode = await main();
