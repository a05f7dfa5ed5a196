/** Benchmark harness for the tunnel, run by script/bench; results go to docs/benchmarks.md. */
package dev.gangway.bench;
