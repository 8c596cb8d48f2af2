FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_PATH=/data/bot.sqlite3

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY providers ./providers
COPY storage ./storage
RUN pip install --no-compile . \
    && useradd --create-home --uid 10001 botuser \
    && mkdir -p /data && chown botuser:botuser /data

USER botuser
VOLUME ["/data"]
ENTRYPOINT ["python", "-m", "bot"]
