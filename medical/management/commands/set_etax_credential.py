"""Store the key and certificate a union signs its e-Tax 医療費通知 XML with (MED-6).

manage.py set_etax_credential --union SLUG --key key.pem --cert cert.pem [--dry-run]
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from kosmo.management.base import UnionCommand
from kosmo.models import Union
from medical import etax


class Command(UnionCommand):
    help = "e-Tax 医療費通知(XML)の署名に使う秘密鍵と証明書を健康保険組合に登録します。"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--key", required=True, type=Path, help="秘密鍵 (PEM, RSA 2048 ビット以上)"
        )
        parser.add_argument(
            "--cert", required=True, type=Path, help="証明書 (PEM; 中間証明書を続けてもよい)"
        )

    def handle_union(self, union: Union, *, dry_run: bool, key: Path, cert: Path, **options):
        key_pem, cert_pem = _read(Path(key), "秘密鍵"), _read(Path(cert), "証明書")
        existed = etax.signing_credential(union) is not None
        try:
            # With --dry-run, UnionCommand rolls the transaction back: nothing is stored.
            info = etax.store_credential(union=union, key_pem=key_pem, cert_pem=cert_pem)
        except etax.CredentialError as error:
            raise CommandError(str(error)) from None
        if dry_run:
            done = f"{'置き換えます' if existed else '登録します'}（--dry-run のため変更しません）"
        else:
            done = "置き換えました" if existed else "登録しました"
        self.stdout.write(f"{union.name} の e-Tax 署名鍵を{done}。")
        self.stdout.write(f"  証明書: {info.subject}")
        self.stdout.write(f"  有効期間: {info.not_before:%Y-%m-%d} 〜 {info.not_after:%Y-%m-%d}")
        self.stdout.write(f"  鍵: RSA {info.key_bits} ビット")


def _read(path: Path, label: str) -> str:
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{label}のファイル {path} を読み込めません: {error}") from None
