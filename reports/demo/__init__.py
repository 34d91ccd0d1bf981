"""The demo data, national-scale load generation and the benchmarks: at the top of the layering, so they may use
every app (the apps never import them)."""
