# KOSMO Web: one image for the web (gunicorn), worker and beat (Celery) services.
FROM python:3.11-slim-bookworm

# PYTHONPATH: pyproject installs no packages, so the code runs from /app whatever the cwd.
# MEDIA_ROOT, PRIVATE_MEDIA_ROOT: the files when no S3 store is set (AWS_STORAGE_BUCKET_NAME;
# docker-compose.yml sets one), and where `move_files_to_store` reads an old volume from.
# WEB_CONCURRENCY: gunicorn's default worker count; 2 × cores + 1 for the 2-core target.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=kosmo.settings \
    STATIC_ROOT=/app/staticfiles \
    STATIC_MANIFEST=true \
    MEDIA_ROOT=/data/media \
    PRIVATE_MEDIA_ROOT=/data/private_media \
    WEB_CONCURRENCY=5

# WeasyPrint's native libraries. PDFs embed static/fonts/ipaexg.ttf; fonts-noto-cjk gives
# the glyphs IPAex lacks (外字 such as 𠮷 in claim data, see kosmo/pdf.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

# A home of its own, so fontconfig can keep its cache; /app itself stays root-owned.
RUN groupadd --gid 1000 kosmo \
    && useradd --uid 1000 --gid kosmo --create-home --shell /usr/sbin/nologin kosmo \
    && install -d -o kosmo -g kosmo -m 0750 /data/media /data/private_media

WORKDIR /app

# Dependencies in their own layer, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN pip install . && rm -rf build ./*.egg-info

COPY . .
# The key only lets settings load; the image never keeps it.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && python -m compileall -q .

# Numeric (kosmo), so Kubernetes runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8000
# docker/gunicorn.conf.py: the access log, masked. /dev/shm for the worker heartbeat files:
# overlay filesystems can stall them.
CMD ["gunicorn", "--config", "docker/gunicorn.conf.py", "--bind", "0.0.0.0:8000", \
     "--worker-tmp-dir", "/dev/shm", "kosmo.wsgi:application"]
