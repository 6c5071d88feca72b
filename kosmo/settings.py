"""KOSMO Web settings: one module, every deployment difference read from the environment.

The variables are listed in README.md ("Configuration"). Unset, they give a development
setup: SQLite in the project directory, Celery running tasks eagerly, mail on the console.
"""

from pathlib import Path

from celery.schedules import crontab
from whitenoise.compress import Compressor

from kosmo.env import (
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    file_storages,
    parse_database_url,
)
from kosmo.outage import connection_class

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# The development key is marked insecure so that `check --deploy` refuses it in production.
SECRET_KEY = env_str("SECRET_KEY") or "django-insecure-kosmo-web-development-key-change-me"
# ".localhost" is localhost and every *.localhost name (the demo unions' portals): browsers
# send them to this machine and accept them as passkey relying parties, unlike 127.0.0.1.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [".localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "accounts.apps.AllauthAccountConfig",  # allauth.account, named in Japanese
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_email",
    "kosmo",
    "accounts",
    "mfa",
    "medical",
    "benefits",
    "checkup",
    "wellness",
    "wellness.records",
    "wellness.challenges",
    "wellness.club",
    "wellness.points",
    "wellness.missions",
    "wellness.diary",
    "wellness.walking",
    "dependents",
    "eligibility",
    "notices",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kosmo.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kosmo.middleware.PrivateCacheMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "kosmo.middleware.UnionMiddleware",
    "accounts.former_members.FormerMemberMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.FirstLoginMiddleware",
    "mfa.middleware.StaffSecondFactorMiddleware",
    # A file the store cannot give right now: the Japanese 503 page (kosmo.storage).
    "kosmo.middleware.StoreUnavailableMiddleware",
]

ROOT_URLCONF = "kosmo.urls"
WSGI_APPLICATION = "kosmo.wsgi.application"

TEMPLATES = [
    {
        # No "loaders": Django then uses its cached template loader (each template compiled once).
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kosmo.context_processors.portal",
                "accounts.context_processors.session",
                "accounts.former_members.former_member",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": parse_database_url(
        env_str("DATABASE_URL", "sqlite:///db.sqlite3"), base_dir=BASE_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and Celery broker -----------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
# Give the cache its own Redis database (e.g. redis://…/1): clearing a cache flushes its database.
CACHE_URL = env_str("CACHE_URL", REDIS_URL)
# Redis is an accelerator, never a single point of failure (kosmo.outage): every client gives up
# after these many seconds, to connect and to get an answer (a hung Redis: no answer at all) …
REDIS_CONNECT_TIMEOUT = env_float("REDIS_CONNECT_TIMEOUT", 0.5)
REDIS_SOCKET_TIMEOUT = env_float("REDIS_SOCKET_TIMEOUT", 0.5)
# … and after a failure the cache leaves Redis alone this long, so a hang costs one timeout per
# process per interval, not one per cache call.
REDIS_RETRY_SECONDS = env_float("REDIS_RETRY_SECONDS", 5)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "kosmo",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": REDIS_CONNECT_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
                # A failed command is a miss (read) or skipped (write), logged once a minute.
                "IGNORE_EXCEPTIONS": True,
                "CONNECTION_POOL_KWARGS": {"connection_class": connection_class(CACHE_URL)},
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "kosmo.cache"
# Sessions live in PostgreSQL only (one primary-key query a signed-in page): a session cached
# in Redis could outlive a sign-out whose cache delete failed during an outage and sign the
# cookie in again once Redis is back. Django's default engine, named for the reader.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    # An unacknowledged task (acks_late: its worker was killed) goes back to the queue after
    # this long: the longest task's hard limit (CELERY_TASK_TIME_LIMIT, 300 s) plus a margin,
    # so a task still running is never delivered twice, and a lost one waits minutes, not the
    # default hour. (A retry held for its backoff, up to 600 s (kosmo.celery), may be delivered
    # twice: tasks are idempotent.)
    "visibility_timeout": 300 + 60,
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
# Publishing a task (a page asking for a PDF) gives up after about a second, not Celery's
# default of three retries, each of which may wait out the timeouts above.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# Without a broker every task runs in the calling process, so `make run` needs nothing else.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # pages read job rows, never Celery results
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Asia/Tokyo"
CELERY_BEAT_SCHEDULE: dict = {
    "purge-expired-documents": {"task": "kosmo.tasks.purge_expired_documents", "schedule": 3600},
    # PDF jobs past their lease or queue wait (a worker died, a message was lost) are queued
    # again; a sweep no worker took within its period is dropped, the next one does its work.
    "requeue-overdue-documents": {
        "task": "kosmo.tasks.requeue_overdue_documents",
        "schedule": 60,
        "options": {"expires": 60},
    },
    # News e-mails of notices whose publish window opened since (a safety net: publishing
    # queues them too).
    "notices-due-emails": {"task": "notices.tasks.queue_due_notice_emails", "schedule": 600},
    # ミッション: cards and coins lapse at midnight, this month's ranks on the 1st (Japan time,
    # CELERY_TIMEZONE); both idempotent, so the hourly runs only repeat a finished job.
    "missions-expire-scratch-cards": {
        "task": "wellness.missions.tasks.expire_scratch_cards",
        "schedule": crontab(minute=0),
    },
    "missions-monthly-ranks": {
        "task": "wellness.missions.tasks.compute_monthly_ranks",
        "schedule": crontab(minute=5, day_of_month="1"),
    },
    # MYポイント: expiry just after midnight (hourly: a missed run catches up; re-running writes
    # nothing), and held exchanges go ahead once their hold is over.
    "points-expire": {
        "task": "wellness.points.tasks.expire_points",
        "schedule": crontab(minute=10),
    },
    "points-release-held": {
        "task": "wellness.points.tasks.release_held_exchanges",
        "schedule": 300,
    },
    # 健康日記: pictures held at 「投稿内容を確認する」 whose post was never sent, after a day.
    "diary-purge-abandoned-images": {
        "task": "wellness.diary.tasks.purge_abandoned_images",
        "schedule": crontab(minute=20),
    },
    # 歩Fes.: the ranking snapshot of events under way (idempotent: a rewrite from the steps).
    "walking-refresh-rankings": {
        "task": "wellness.walking.tasks.refresh_rankings",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 900},
    },
}
# One beat per deployment (kosmo/beat.py): a beat sends only while it holds a lock in the
# broker's Redis, renewed every third of BEAT_LOCK_SECONDS; a second beat stands by and takes
# over once a dead holder's lock has expired. No schedule file: the entries' last runs are
# kept in Redis beside the lock.
CELERY_BEAT_SCHEDULER = "kosmo.beat:LockedScheduler"
BEAT_LOCK_SECONDS = env_float("BEAT_LOCK_SECONDS", 30)

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.UnionAuthenticationBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "reset_password": "accounts.recovery.ResetPasswordForm",
    "reset_password_from_key": "accounts.recovery.ResetPasswordKeyForm",
}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
# Verification is a step of the first-login journey (accounts.flows), not an allauth gate.
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_CONFIRM_EMAIL_ON_GET = True  # the mail's 「メールアドレスの確認」 link confirms at once
# Unique per union (accounts.forms.EmailForm), not across the deployment: another union's
# portal must not learn that an address is in use (migration accounts 0007 drops allauth's index).
ACCOUNT_UNIQUE_EMAIL = False
ACCOUNT_LOGOUT_ON_GET = False  # 「ログアウトしてもよろしいですか？」 first
ACCOUNT_SESSION_REMEMBER = None  # the member chooses: 「ログイン状態の保存」
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300  # MFA-9: fresh for five minutes
# Per client address; per-account failures are counted by accounts.lockout instead.
ACCOUNT_RATE_LIMITS = {
    # Not "login": allauth's decorator would refuse every sign-in while Redis is unavailable;
    # failed logins are limited per address below and per account in PostgreSQL
    # (accounts.ratelimits).
    "login": None,
    "login_failed": "20/5m/ip",
    "reset_password": "10/m/ip,3/5m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
    # The e-mail forms tell whether an address is taken in the union: a daily cap as well.
    "manage_email": "5/m/user,20/d/user",
    "confirm_email": "1/60s/key",
    "forgot_user_id": "10/m/ip,3/5m/key",
    "mfa_verify": "10/5m/user",  # OTP entry at login and re-authentication
    "mfa_email_send": "5/15m/user",
    "verify_identity": "10/5m/user",
    # The dependents' inquiry form (no login): each inquiry mails the union.
    "dependents_inquiry": "5/h/ip",
}
# Django's own token (it covers the password, last login and e-mail address): single use.
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "django.contrib.auth.tokens.PasswordResetTokenGenerator"
PASSWORD_RESET_TIMEOUT = 300  # ACC-10: the 「パスワードをリセット」 link is valid for five minutes
# 「ログイン状態の保存」 keeps a session for SESSION_COOKIE_AGE (14 days); without it the session
# ends with the browser or after the union's idle timeout (Union.idle_timeout_minutes).

# --- Second factors (mfa) ----------------------------------------------------------------------
OTP_TOTP_ISSUER = "KOSMO Web"  # replaced per union in the otpauth URI (mfa.totp)
OTP_TOTP_THROTTLE_FACTOR = 1  # after each wrong code, wait 1, 2, 4 … seconds
OTP_EMAIL_TOKEN_VALIDITY = 300  # MFA-5: an e-mailed code is valid for five minutes
OTP_EMAIL_THROTTLE_FACTOR = 1
MFA_EMAIL_RESEND_SECONDS = 60  # 「再送信」 cool-down
MFA_REAUTHENTICATION_SECONDS = 300  # MFA-9: fresh for five minutes
# WebAuthn: the relying party is the union's portal host the member is on (validated against
# ALLOWED_HOSTS); the expected origin is that host with the request's scheme (mfa.passkeys).

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- Static files and media ---------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
WHITENOISE_USE_FINDERS = True  # serve from the app folders too when collectstatic has not run
# Public media (union logos, profile images) is served to anyone with the URL;
# private media (generated PDFs, survey uploads) only ever through authorising views.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")))
# Every stored file goes through STORAGES (kosmo/storage.py): the local folders above, or one
# S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set (README, "Running on several
# hosts"): public media under public/, private files under private/, no ACL on any object.
_public_storage, _private_storage = file_storages(private_root=PRIVATE_MEDIA_ROOT)
STORAGES = {
    "default": _public_storage,
    "private": _private_storage,
    # Fingerprinted, compressed copies (WhiteNoise serves them gzip/brotli with a year's
    # Cache-Control) once collectstatic has written them: the image and `make bench` set
    # STATIC_MANIFEST; a checkout that never ran collectstatic (`make run`, tests) serves the
    # plain files.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# The PDF font (static/fonts, 4 MB) is read by kosmo.pdf and never sent to a browser: not
# worth minutes of brotli at every collectstatic.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "ttf"]
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 11_534_336  # a 10 MB diary image plus its form

# --- E-mail ------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "KOSMO Web <no-reply@kosmo-web.localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = 20
elif env_str("EMAIL_FILE_PATH"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Security ----------------------------------------------------------------------------------
# HTTPS=true when the site is served over TLS (production): secure cookies, HSTS, redirects.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("USE_X_FORWARDED_PROTO", False):
    # Only behind a proxy that sets (and strips incoming) X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The client's address (sign-in rate limits, lockout e-mails, consents) is the
# TRUSTED_PROXY_COUNT-th address from the right of X-Forwarded-For, as allauth reads it
# (ALLAUTH_TRUSTED_PROXY_COUNT; accounts.services.client_ip): 1 behind the compose file's
# proxy, 2 with a TLS proxy in front of it; 0 (no proxy): REMOTE_ADDR. Never more than the
# proxies that really append to the header, or a client could choose its own address.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# Lengths, characters and classes are the union's policy (validators.validate_password_for);
# these add Django's common-password and similarity checks, with Japanese messages, and keep
# eight characters where no union's policy applies (createsuperuser, admin's password forms).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.MinimumLengthValidator"},
    {"NAME": "accounts.validators.CommonPasswordValidator"},
    {"NAME": "accounts.validators.UserAttributeSimilarityValidator"},
]

# --- Tenancy -----------------------------------------------------------------------------------
# Host names are matched against Union.domain; an unknown host falls back to this union
# (its slug), or to the only union when the deployment has just one.
KOSMO_DEFAULT_UNION = env_str("KOSMO_DEFAULT_UNION")

# --- Logging -----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_pii": {"()": "kosmo.logging.MaskPersonalDataFilter"},
        "warning_without_traceback": {"()": "kosmo.logging.WarningWithoutTraceback"},
        "once_a_minute": {"()": "kosmo.logging.OncePerInterval", "seconds": 60},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_pii"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default handlers (its console in DEBUG, runserver's request lines) print
        # unmasked: without them, every line reaches the masked console above.
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
        # A Host outside ALLOWED_HOSTS is the client's mistake (or a scanner's), answered 400.
        "django.security.DisallowedHost": {"filters": ["warning_without_traceback"]},
        # A Redis outage: one line a minute (with the count of the others), not one a request.
        "kosmo.cache": {"filters": ["once_a_minute"]},
        "kosmo.queue": {"filters": ["once_a_minute"]},
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
