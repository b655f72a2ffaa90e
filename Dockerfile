# Deep Learning Explorer: one app replica (CPU build of torch). See deploy/README.md for the
# class-hosting recipe (N replicas behind nginx with sticky sessions).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DLX_DEVICE=cpu DLX_THREADS=1
# PyTorch's CPU-only wheel index (no multi-GB CUDA libraries in the image)
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG TORCH_VERSION=2.13.0

RUN useradd --create-home --uid 10001 explorer
WORKDIR /home/explorer/app

COPY requirements.txt .
RUN pip install --index-url "$TORCH_INDEX_URL" "torch==$TORCH_VERSION" \
 && pip install -r requirements.txt

COPY --chown=explorer:explorer . .
COPY --chown=explorer:explorer deploy/streamlit-production.toml .streamlit/config.toml
USER explorer

EXPOSE 8501
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=2).status != 200)"
CMD ["streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
