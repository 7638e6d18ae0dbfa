import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator, startCoordinator } from './support/coordinator';
import {
  describeRun,
  PYTHON,
  PYTHON_GENERATOR,
  PYTHON_RUNNER,
  PythonRun,
  pythonSync,
  runPython,
} from './support/python';
import { expectNoSecretsIn } from './support/secrets';

/**
 * The Python SDK (clients/python) against the real built coordinator. Which tests exist is
 * decided while this file loads: the interpreter is checked, the gRPC stubs are regenerated from
 * proto/ (so the tests always run the code proto/ describes), and the unittest cases are listed.
 * Then one coordinator runs the whole Python suite once, and every Python case is one Jest test.
 */

interface CaseResult {
  status: 'passed' | 'failed' | 'skipped';
  output: string;
  seconds: number;
}

const INSTALL_HINT =
  'install the Debian packages: apt-get install -y --no-install-recommends python3-grpcio ' +
  'python3-protobuf python3-grpc-tools protobuf-compiler protobuf-compiler-grpc (.ci/run does this)';

const preflight = pythonSync([
  '-c',
  'import grpc, google.protobuf; print(grpc.__version__, google.protobuf.__version__)',
]);
const pythonReady = preflight.code === 0;
// Compared before regenerating: stubs that drifted from proto/ must be committed regenerated.
const committed: PythonRun | undefined = pythonReady
  ? pythonSync([PYTHON_GENERATOR, '--check'])
  : undefined;
const generation: PythonRun | undefined = pythonReady ? pythonSync([PYTHON_GENERATOR]) : undefined;
const listing: PythonRun | undefined =
  generation?.code === 0 ? pythonSync([PYTHON_RUNNER, '--list']) : undefined;

let caseIds: string[] = [];
let listingProblem = '';
try {
  if (listing?.code === 0) caseIds = JSON.parse(listing.stdout) as string[];
  else if (listing) listingProblem = describeRun(listing);
} catch (err) {
  listingProblem = `unreadable test list: ${(err as Error).message}\n${describeRun(listing!)}`;
}

describe('Python SDK (clients/python)', () => {
  it(`${PYTHON} imports grpc and protobuf`, () => {
    if (!pythonReady) {
      throw new Error(
        `${PYTHON} cannot import grpc and google.protobuf, so the Python SDK cannot be tested; ` +
          `${INSTALL_HINT}.\n${describeRun(preflight)}`,
      );
    }
  });

  it('regenerates the gRPC stubs in krishiv/_proto from proto/', () => {
    if (!generation) throw new Error(`not run: ${PYTHON} cannot import grpc (see the first test)`);
    if (generation.code !== 0) {
      throw new Error(
        `clients/python/generate.sh failed; ${INSTALL_HINT}.\n${describeRun(generation)}`,
      );
    }
  });

  it('the stubs in krishiv/_proto already matched proto/', () => {
    if (!committed) throw new Error(`not run: ${PYTHON} cannot import grpc (see the first test)`);
    if (committed.code !== 0 && generation?.code !== 0) {
      throw new Error(`not checked: the stubs could not be generated\n${describeRun(committed)}`);
    }
    if (committed.code !== 0) {
      throw new Error(
        'clients/python/krishiv/_proto did not match proto/; it has been regenerated now: commit ' +
          `the result.\n${describeRun(committed)}`,
      );
    }
  });

  it('discovers the Python test cases', () => {
    if (!listing) throw new Error('not run: the stubs could not be generated');
    if (listingProblem) throw new Error(`listing the Python tests failed:\n${listingProblem}`);
    expect(caseIds.length).toBeGreaterThan(0);
  });

  describe('unittest', () => {
    const adminToken = randomBytes(24).toString('hex');
    const readerToken = randomBytes(24).toString('hex');
    let coordinator: Coordinator | undefined;
    let workDir: string;
    let run: PythonRun | undefined;
    let results: Record<string, CaseResult> = {};
    let runProblem = '';

    beforeAll(async () => {
      if (caseIds.length === 0) return;
      workDir = mkdtempSync(join(tmpdir(), 'krishiv-python-sdk-'));
      coordinator = await startCoordinator({
        env: { KRISHIV_COORDINATOR_BEARER_TOKEN: adminToken, KRISHIV_UI_TOKEN: readerToken },
      });
      const report = join(workDir, 'results.json');
      run = await runPython(
        [PYTHON_RUNNER, '--out', report],
        {
          KRISHIV_TEST_COORDINATOR: `http://${coordinator.grpcAddress}`,
          KRISHIV_TEST_ADMIN_TOKEN: adminToken,
          KRISHIV_TEST_READER_TOKEN: readerToken,
        },
        workDir, // no ./.krishiv/dev-token of the checkout is picked up
        240_000,
      );
      try {
        results = (
          JSON.parse(readFileSync(report, 'utf8')) as { results: Record<string, CaseResult> }
        ).results;
      } catch (err) {
        runProblem = `no report from the Python run (${(err as Error).message})\n${describeRun(run)}`;
      }
    }, 300_000);

    afterAll(async () => {
      if (coordinator) {
        const logs = coordinator.logs();
        await coordinator.stop();
        expectNoSecretsIn(logs, [adminToken, readerToken]);
      }
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    });

    for (const id of caseIds) {
      it(id, () => {
        if (runProblem) throw new Error(runProblem);
        const result = results[id];
        if (!result) {
          throw new Error(
            `the Python run reported nothing for ${id}\n${run ? describeRun(run) : ''}`,
          );
        }
        if (result.status !== 'passed') {
          throw new Error(`${id} ${result.status}:\n${result.output}`);
        }
      });
    }
  });
});
