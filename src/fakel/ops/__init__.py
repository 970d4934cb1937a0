"""Differentiable ops: each op's forward (on arrays) and its backward node, one place each."""
