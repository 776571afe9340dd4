"""Using a trained model: prediction, evaluation and metrics, calibration, explanations, export."""
