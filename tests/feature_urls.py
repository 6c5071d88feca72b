"""The portal's URLs plus a gated stand-in page for every feature whose app has not built its
pages yet, at the feature's real URL name — so the gating tests cover every key now, and the
real pages as soon as they exist."""

from itertools import groupby

from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse

from kosmo import urls as portal_urls
from kosmo.access import feature_required, member_required
from kosmo.features import FEATURES


def _gated_page(key):
    @member_required
    @feature_required(key)
    def page(request):
        return HttpResponse(f"page of {key}")

    return page


def _namespace(feature):
    return feature.url_name.split(":")[0]


def _built(feature) -> bool:
    try:
        reverse(feature.url_name, urlconf=portal_urls)
    except NoReverseMatch:
        return False
    return True


def _stand_ins(features):
    return [
        path(
            f"feature-test/{feature.url_name.split(':')[1]}/",
            _gated_page(feature.key),
            name=feature.url_name.split(":")[1],
        )
        for feature in features
    ]


urlpatterns = list(portal_urls.urlpatterns)
_missing = sorted((f for f in FEATURES if not _built(f)), key=_namespace)
for namespace, features in groupby(_missing, key=_namespace):
    # A namespace an app already serves (wellness: some sections built, others not) takes the
    # stand-ins beside its real pages: a second include of the same namespace would be shadowed.
    served = [
        (index, resolver)
        for index, resolver in enumerate(urlpatterns)
        if getattr(resolver, "namespace", None) == namespace
    ]
    if served:
        index, resolver = served[0]
        urlpatterns[index] = path(
            str(resolver.pattern),
            include(([*resolver.url_patterns, *_stand_ins(features)], namespace)),
        )
    else:
        urlpatterns.append(path("", include((_stand_ins(features), namespace))))
