"""`desktop-cls serve`: a trained model behind a local HTTP API (FastAPI on uvicorn)."""
