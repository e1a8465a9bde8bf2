"""Writes examples/x.npy: 6 seeded 8x8x1 images (float64), the CLI walkthrough's inputs."""
import numpy as np
rng = np.random.default_rng(14)
np.save("x.npy", rng.standard_normal((6, 8, 8, 1)))
