"""gunicorn's logger with every line masked: the access log of the web service carries no
search terms, names, e-mail addresses or reset keys (docker/gunicorn.conf.py uses it)."""

from __future__ import annotations

from gunicorn.glogging import Logger

from kosmo.logging import MaskPersonalDataFilter


class MaskingLogger(Logger):
    """gunicorn's own logger; its access and error lines pass through `kosmo.logging.mask`.

    The filter sits on the loggers, not on handlers, so it holds whatever handlers gunicorn
    sets up (a file, stdout, syslog) and whatever `access_log_format` an operator chooses.
    """

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(f, MaskPersonalDataFilter) for f in log.filters):
                log.addFilter(MaskPersonalDataFilter())
