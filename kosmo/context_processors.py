from kosmo.menu import portal_menu


def portal(request):
    """What the shell (base.html) needs on every page: the union and its service menu."""
    union = getattr(request, "union", None)
    member = getattr(request, "member", None)
    return {
        "union": union,
        "member": member,
        "service_menu": portal_menu(union, member),
    }
