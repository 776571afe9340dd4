"""The headless engine: data, models, training, evaluation, prediction, export. Never imports Qt."""
