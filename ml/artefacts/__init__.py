"""The committed, promoted cascade (linear stage + transformer delta); see docs/ml.md."""
