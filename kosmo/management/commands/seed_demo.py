from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from kosmo import demo


class Command(BaseCommand):
    help = "Create or refresh the demo unions, households and accounts (safe to run again)."

    def handle(self, *args, **options):
        with transaction.atomic():
            unions = demo.seed()
            for config in apps.get_app_configs():
                if config.name != "kosmo" and module_has_submodule(config.module, "demo"):
                    import_module(f"{config.name}.demo").seed(unions)
        self.stdout.write(self.style.SUCCESS("デモデータを用意しました。"))
        self.stdout.write(f"パスワードはすべて {demo.DEMO_PASSWORD} です。")
        for union in unions.values():
            self.stdout.write(
                f"  {union.name}: http://{union.domain}:8000/ ({union.get_tier_display()})"
            )
        self.stdout.write("")
        for union_name, username, name, role in demo.credentials():
            self.stdout.write(f"  {union_name:<14} {username:<15} {name:<10} {role}")
