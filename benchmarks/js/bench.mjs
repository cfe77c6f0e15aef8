// Verification throughput of Digital Bazaar's reference stack (@digitalbazaar/vc +
// DataIntegrityProof + eddsa-rdfc-2022) on one credential, for benchmarks/run.py.
//
//   node bench.mjs --manifest MANIFEST.json --n N CREDENTIAL.json
//
// The document loader serves only microcred's bundled contexts (each checked against the
// manifest's sha256) and did:key documents, as tests/vc/js/harness.mjs does, so nothing
// touches the network. Prints {"verify_per_s": ..., "verify_per_s_wall": ..., "n", "verified"}.

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

function args(argv) {
  const out = {n: 200, positional: []};
  for(let i = 0; i < argv.length; ++i) {
    if(argv[i] === '--manifest') {
      out.manifest = argv[++i];
    } else if(argv[i] === '--n') {
      out.n = Number(argv[++i]);
    } else {
      out.positional.push(argv[i]);
    }
  }
  if(!out.manifest || out.positional.length !== 1 || !(out.n > 0)) {
    throw new Error('usage: bench.mjs --manifest MANIFEST.json --n N CREDENTIAL.json');
  }
  return out;
}

function bundledContexts(manifestPath) {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const base = dirname(resolve(manifestPath));
  const contexts = new Map();
  for(const {url, file, sha256} of manifest.contexts) {
    const bytes = readFileSync(resolve(base, file));
    const digest = createHash('sha256').update(bytes).digest('hex');
    if(sha256 && digest !== sha256) {
      throw new Error(`${file}: sha256 ${digest}, the manifest says ${sha256}`);
    }
    contexts.set(url, JSON.parse(bytes.toString('utf8')));
  }
  return contexts;
}

function documentLoaderFor(contexts) {
  const keyDriver = didKeyDriver();
  keyDriver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
  const resolver = new CachedResolver();
  resolver.use(keyDriver);
  return async url => {
    const context = contexts.get(url);
    if(context !== undefined) {
      return {contextUrl: null, documentUrl: url, document: context, tag: 'static'};
    }
    if(typeof url === 'string' && url.startsWith('did:key:')) {
      return {contextUrl: null, documentUrl: url, document: await resolver.get({url})};
    }
    throw new Error(`the benchmark loader refuses ${url}`);
  };
}

const {manifest, n, positional} = args(process.argv.slice(2));
const credential = JSON.parse(readFileSync(positional[0], 'utf8'));
const documentLoader = documentLoaderFor(bundledContexts(manifest));
const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const once = async () => {
  const result = await vc.verifyCredential({credential, suite, documentLoader});
  if(!result.verified) {
    throw new Error('the credential did not verify: ' + JSON.stringify(result.error));
  }
};
for(let i = 0; i < Math.min(20, n); ++i) {
  await once();  // warm up (JIT, caches)
}
// CPU time, as the Python side measures it (process.cpuUsage also counts V8's helper threads,
// which if anything understates this rate), and wall time for reference.
let bestCpu = Infinity;
let bestWall = Infinity;
for(let round = 0; round < 5; ++round) {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  for(let i = 0; i < n; ++i) {
    await once();
  }
  const used = process.cpuUsage(cpu);
  bestCpu = Math.min(bestCpu, (used.user + used.system) / 1e6);
  bestWall = Math.min(bestWall, Number(process.hrtime.bigint() - wall) / 1e9);
}
process.stdout.write(JSON.stringify({
  verify_per_s: n / bestCpu, verify_per_s_wall: n / bestWall, n, verified: true
}) + '\n');
