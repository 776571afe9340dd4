"""Training options, the training loop and its callbacks, checkpoints, defaults and scale-out."""
