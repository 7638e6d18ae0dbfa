// Runs the coordinator snapshot named by BENCH_COORDINATOR_MAIN (see bench/lib/paths.mjs), so the
// process is one the benchmark can tell from any other coordinator on the machine.
require(process.env.BENCH_COORDINATOR_MAIN);
