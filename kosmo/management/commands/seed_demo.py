from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from kosmo import demo


class Command(BaseCommand):
    help = "Create or refresh the demo unions, households and accounts (safe to run again)."

    def handle(self, *args, **options):
        lines = []
        with transaction.atomic():
            unions = demo.seed()
            for config in apps.get_app_configs():
                if config.name != "kosmo" and module_has_submodule(config.module, "demo"):
                    lines += import_module(f"{config.name}.demo").seed(unions) or []
        self.stdout.write(self.style.SUCCESS("デモデータを用意しました。"))
        for line in lines:
            self.stdout.write(line)
        # Last, just above runserver's banner, whose http://127.0.0.1:8000/ serves no union:
        # each portal has a *.localhost name (browsers send it here and accept it for passkeys).
        self.stdout.write(self.style.SUCCESS("デモのポータル (ブラウザでこのアドレスを開きます):"))
        for union in unions.values():
            self.stdout.write(
                f"  {union.name}: http://{union.domain}:8000/ ({union.get_tier_display()})"
            )
