"""What analysts publish from their evidence: ClaimReview for a fact-check
(claimreview.py) and signed evidence packages a recipient verifies offline
(package.py, keys.py, and verify_package.py, the standalone verifier Warrant
serves at /verify.py and bundles into every package)."""
