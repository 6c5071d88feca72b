"""The portal's URLs plus one gated page per feature key, at each feature's real URL name.

Features are built issue by issue; this urlconf lets the gating tests cover every key now.
"""

from itertools import groupby

from django.http import HttpResponse
from django.urls import include, path

from kosmo.access import feature_required, member_required
from kosmo.features import FEATURES
from kosmo.urls import urlpatterns as portal_urlpatterns


def _gated_page(key):
    @member_required
    @feature_required(key)
    def page(request):
        return HttpResponse(f"page of {key}")

    return page


def _namespace(feature):
    return feature.url_name.split(":")[0]


urlpatterns = list(portal_urlpatterns)
for namespace, features in groupby(sorted(FEATURES, key=_namespace), key=_namespace):
    patterns = [
        path(
            f"{feature.url_name.split(':')[1]}/",
            _gated_page(feature.key),
            name=feature.url_name.split(":")[1],
        )
        for feature in features
    ]
    urlpatterns.append(path(f"feature-test/{namespace}/", include((patterns, namespace))))
