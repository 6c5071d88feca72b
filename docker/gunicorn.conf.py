"""gunicorn settings of the web service, in the image and outside it:

    gunicorn -c docker/gunicorn.conf.py kosmo.wsgi

Workers come from WEB_CONCURRENCY (gunicorn reads it); the image adds --bind 0.0.0.0:8000
and --worker-tmp-dir /dev/shm on its command line.
"""

# The access log on stdout, in the combined format without the ident and remote-user fields
# (a proxy's basic-auth user name would be one), plus the time taken. Every line passes
# through kosmo.logging.mask: query values (admin searches, autocomplete terms, next=…),
# password-reset and e-mail confirmation keys, e-mail addresses, dates and long numbers.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
logger_class = "kosmo.access_log.MaskingLogger"
