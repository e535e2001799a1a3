# syntax=docker/dockerfile:1
# Build stage: install studybot and its dependencies into a virtual environment.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/studybot
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY migrations ./migrations
COPY questions ./questions
RUN /opt/studybot/bin/pip install .

# Runtime stage: the environment only, run as an unprivileged user.
FROM python:3.11-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin studybot \
    && mkdir -p /data && chown studybot /data
COPY --from=build /opt/studybot /opt/studybot
ENV PATH=/opt/studybot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    STUDYBOT_DATA_DIR=/data
VOLUME ["/data"]
USER studybot
WORKDIR /data
# Slack HTTP mode listens here (STUDYBOT_SLACK_PORT).
EXPOSE 3000
ENTRYPOINT ["studybot"]
CMD ["run"]
