"""FastAPI web app: server-rendered Korean pages plus the JSON API under ``/api/v1``."""
