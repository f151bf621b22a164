"""상권 분석 (trade-area analysis) for 소상공인 and founders."""
