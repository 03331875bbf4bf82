//! End-to-end tests of the real app; see tests/e2e/README.md.
