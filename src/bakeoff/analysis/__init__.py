"""The analysis stage: statistics over a results document — medians and their CIs, ratios,
comparisons and verdicts, calibration (A/A), latency percentiles from the serve histograms,
cross-machine pooling, comparison of two documents. It reads results and writes them back;
it never measures."""
