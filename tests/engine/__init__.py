"""Tests of the local engine over real loopback HTTP."""
