from django.apps import AppConfig


class MissionsConfig(AppConfig):
    """ミッション (manual §4-12 … §4-15). Missions are cleared by the other features' events,
    never by the page that shows them: a login, a record saved, an article read, a challenge
    day ○ (see wellness.missions.receivers)."""

    name = "wellness.missions"
    label = "wellness_missions"
    verbose_name = "ミッション"

    def ready(self) -> None:
        from allauth.account.signals import user_logged_in

        from wellness.challenges.signals import day_achieved
        from wellness.club.signals import article_read
        from wellness.missions import receivers
        from wellness.records.signals import records_saved

        user_logged_in.connect(receivers.on_user_logged_in, dispatch_uid="missions.login")
        records_saved.connect(receivers.on_records_saved, dispatch_uid="missions.records")
        article_read.connect(receivers.on_article_read, dispatch_uid="missions.club")
        day_achieved.connect(receivers.on_day_achieved, dispatch_uid="missions.challenges")
