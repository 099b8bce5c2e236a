from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    exists,
    false,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from shop.accounts.models import User
from shop.core.codes import SHORT_CODE_ALPHABET, random_code
from shop.core.enums import LabelledEnum
from shop.core.short_codes import GROUP_CODE_LENGTH
from shop.db import Base, Rupiah, enum_column, utcnow
from shop.media.models import Document, Image
from shop.regions.models import District, Province, Regency


def new_group_code() -> str:
    """A random /s/<code> short link for a group's shop (see shop.core.short_codes)."""
    return random_code(SHORT_CODE_ALPHABET, GROUP_CODE_LENGTH)


class Programme(LabelledEnum):
    JPS_TKM = "jps-tkm", _l("JPS TKM")
    UPPKA = "uppka", _l("UPPKA")
    UP2K_PKK = "up2k-pkk", _l("UP2K PKK")
    KOPERASI = "koperasi", _l("Cooperative")
    LAPAS = "lapas", _l("Prison training (Lapas)")
    OTHER = "lainnya", _l("Other programme")


class GroupStatus(LabelledEnum):
    ACTIVE = "active", _l("Active")
    SUSPENDED = "suspended", _l("Suspended")


class Verification(LabelledEnum):
    """Where a coordinator's check of the group stands.

    A new group is UNVERIFIED ("belum diverifikasi") and public without the
    badge; a coordinator verifies it or asks for changes, and the group asks
    for review again once it has made them.
    """

    UNVERIFIED = "unverified", _l("Not yet verified")
    CHANGES_REQUESTED = "changes", _l("Changes requested")
    VERIFIED = "verified", _l("Verified")


class DocumentKind(LabelledEnum):
    DECREE = "sk", _l("Group decree (SK)")
    FIELD_VISIT = "kunjungan", _l("Field visit photo")
    OTHER = "lainnya", _l("Other document")


class Role(LabelledEnum):
    LEADER = "ketua", _l("Leader (ketua)")
    MEMBER = "anggota", _l("Member (anggota)")


class PaymentMethod(LabelledEnum):
    TRANSFER = "transfer", _l("Bank transfer")
    CASH = "cash", _l("Cash on delivery / pay at pickup")
    CARD = "card", _l("Card")
    QRIS = "qris", _l("QRIS")

    @property
    def sent_by_buyer(self) -> bool:
        """The buyer sends the money (transfer, QRIS) and a proof the group
        checks; the amount carries a unique code so the group can tell whose."""
        return self in (PaymentMethod.TRANSFER, PaymentMethod.QRIS)


class DeliveryMethod(LabelledEnum):
    PICKUP = "pickup", _l("Pickup at the group")
    LOCAL = "local", _l("Local delivery by the group")
    COURIER = "courier", _l("Courier")


class Group(Base):
    __tablename__ = "group"
    __table_args__ = (
        CheckConstraint("member_count IS NULL OR member_count >= 1", name="member_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # The /s/<code> short link; create_group picks a free one, the default
    # covers rows made elsewhere (bulk loads, test factories).
    short_code: Mapped[str] = mapped_column(
        String(12), unique=True, index=True, default=new_group_code
    )
    name: Mapped[str] = mapped_column(String(120))
    # active_history: a move's old programme and province are known at the
    # flush even when unloaded (the monitoring cells move the group's figures).
    programme: Mapped[Programme] = enum_column(Programme, index=True, active_history=True)
    status: Mapped[GroupStatus] = enum_column(GroupStatus, default=GroupStatus.ACTIVE, index=True)
    suspended_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    suspended_at: Mapped[datetime | None]
    verification: Mapped[Verification] = enum_column(
        Verification,
        default=Verification.UNVERIFIED,
        server_default=Verification.UNVERIFIED.value,
        index=True,
    )
    # What the coordinator asked the group to change (shown to the group).
    verification_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    verified_at: Mapped[datetime | None]
    # Set when the group asks for (another) check after making the changes.
    review_requested_at: Mapped[datetime | None]
    province_code: Mapped[str] = mapped_column(
        ForeignKey("province.code"), index=True, active_history=True
    )
    regency_code: Mapped[str] = mapped_column(ForeignKey("regency.code"), index=True)
    district_code: Mapped[str | None] = mapped_column(ForeignKey("district.code"))
    story: Mapped[str] = mapped_column(Text, default="")
    founded_year: Mapped[int | None]
    member_count: Mapped[int | None]
    whatsapp: Mapped[str | None] = mapped_column(String(20))
    # When a code sent to `whatsapp` came back (`shop.groups.group_number`);
    # None for a number not (yet) confirmed. Changing the number clears it.
    whatsapp_verified_at: Mapped[datetime | None]
    pickup_address: Mapped[str] = mapped_column(Text, default="")
    logo_id: Mapped[int | None] = mapped_column(ForeignKey("image.id", ondelete="SET NULL"))
    cover_id: Mapped[int | None] = mapped_column(ForeignKey("image.id", ondelete="SET NULL"))
    accepts_transfer: Mapped[bool] = mapped_column(default=True)
    accepts_cash: Mapped[bool] = mapped_column(default=True)
    accepts_card: Mapped[bool] = mapped_column(default=False)
    accepts_qris: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The group's static QRIS as its sticker encodes it, saved once the group
    # confirmed the merchant it names (shop.groups.qris checks it).
    qris_payload: Mapped[str | None] = mapped_column(String(512))
    offers_pickup: Mapped[bool] = mapped_column(default=True)
    offers_local_delivery: Mapped[bool] = mapped_column(default=False)
    offers_courier: Mapped[bool] = mapped_column(default=False)
    # The group also wants each order as a WhatsApp message: after checkout
    # the buyer gets a button that opens WhatsApp with the order filled in.
    whatsapp_orders: Mapped[bool] = mapped_column(default=False, server_default=false())
    # What the group charges for its own local delivery (0: free).
    local_delivery_fee: Mapped[Rupiah] = mapped_column(default=0, server_default="0")
    # How many of its pre-order rounds take orders now (shop.rounds keeps it),
    # so its public page knows without another statement whether to show them.
    open_rounds: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    province: Mapped[Province] = relationship()
    regency: Mapped[Regency] = relationship()
    district: Mapped[District | None] = relationship()
    logo: Mapped[Image | None] = relationship(foreign_keys=[logo_id])
    cover: Mapped[Image | None] = relationship(foreign_keys=[cover_id])
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )
    bank_accounts: Mapped[list[BankAccount]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="BankAccount.id"
    )

    @property
    def is_public(self) -> bool:
        return self.status is GroupStatus.ACTIVE

    @property
    def place(self) -> str:
        """ "Kota Jambi, Jambi": the regency/city and the province."""
        return ", ".join(part.name for part in (self.regency, self.province) if part is not None)

    @property
    def is_verified(self) -> bool:
        return self.verification is Verification.VERIFIED

    @property
    def alert_number(self) -> str | None:
        """The group's own number, once a code sent to it came back: the
        only number of the group that gets order alerts."""
        return self.whatsapp if self.whatsapp and self.whatsapp_verified_at else None

    @property
    def payment_methods(self) -> list[PaymentMethod]:
        flags = {
            PaymentMethod.TRANSFER: self.accepts_transfer,
            PaymentMethod.CASH: self.accepts_cash,
            PaymentMethod.CARD: self.accepts_card,
            # Offered once the group has confirmed its QRIS (its setup page).
            PaymentMethod.QRIS: self.accepts_qris and bool(self.qris_payload),
        }
        return [method for method, on in flags.items() if on]

    @property
    def delivery_methods(self) -> list[DeliveryMethod]:
        flags = {
            DeliveryMethod.PICKUP: self.offers_pickup,
            DeliveryMethod.LOCAL: self.offers_local_delivery,
            DeliveryMethod.COURIER: self.offers_courier,
        }
        return [method for method, on in flags.items() if on]

    @property
    def ships_by_courier_only(self) -> bool:
        """Courier is the only delivery: the shipping fee of any order is to follow."""
        return self.delivery_methods == [DeliveryMethod.COURIER]


class Membership(Base):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("group_id", "user_id", name="uq_membership_group_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = enum_column(Role)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    group: Mapped[Group] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    @property
    def is_leader(self) -> bool:
        return self.role is Role.LEADER


class Invitation(Base):
    """A link a ketua shares (e.g. on WhatsApp) so members can join.

    Only the SHA-256 of the token is stored; the link works until it expires
    or the ketua revokes it, for as many people as the ketua shares it with.
    """

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    group: Mapped[Group] = relationship()

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class BankAccount(Base):
    __tablename__ = "bank_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    bank_name: Mapped[str] = mapped_column(String(60))
    account_number: Mapped[str] = mapped_column(String(34))
    account_holder: Mapped[str] = mapped_column(String(120))

    group: Mapped[Group] = relationship(back_populates="bank_accounts")


# Whether the group has given a bank account (buyers may pay it by transfer
# only then: shop.groups.ordering). Deferred: the pages that show how to pay
# a group load it in their own statement (`undefer(Group.has_bank_account)`).
Group.has_bank_account = column_property(
    exists().where(BankAccount.group_id == Group.id).correlate_except(BankAccount),
    deferred=True,
)


class GroupDocument(Base):
    """Evidence a group uploads for its verification: the decree (SK) that
    founded it as a PDF or photo, a field-visit photo, other papers.

    Exactly one of `image` (a photo, through the image pipeline) and
    `document` (a checked PDF) is set. Only the group's members and the
    coordinators in scope can open it.
    """

    __tablename__ = "group_document"
    __table_args__ = (
        CheckConstraint("(image_id IS NULL) <> (document_id IS NULL)", name="image_or_document"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = enum_column(DocumentKind)
    title: Mapped[str] = mapped_column(String(120), default="")
    # private: the photo is never served from the public /media address.
    image_id: Mapped[int | None] = mapped_column(ForeignKey("image.id"), info={"private": True})
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    group: Mapped[Group] = relationship()
    image: Mapped[Image | None] = relationship()
    document: Mapped[Document | None] = relationship()


class AlertKind(LabelledEnum):
    """What a group hears about an order, in the order an order goes."""

    NEW_ORDER = "new_order", _l("New order")
    PROOF_SENT = "proof_sent", _l("Payment proof sent")
    PAID = "paid", _l("Payment recorded")
    CANCELLED = "cancelled", _l("Order cancelled")


class AlertChannel(LabelledEnum):
    WHATSAPP = "whatsapp", _l("WhatsApp")
    PUSH = "push", _l("Notifications on my phones")


class MemberAlerts(Base):
    """Which order alerts one member gets on one channel.

    No row: the role's defaults (`shop.groups.alert_choices.DEFAULTS`); a
    row is written the first time the member saves their choice, so a
    later change of the defaults never overrides what a member chose.
    """

    __tablename__ = "member_alerts"
    __table_args__ = (
        UniqueConstraint("membership_id", "channel", name="uq_member_alerts_membership_channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("membership.id", ondelete="CASCADE"))
    channel: Mapped[AlertChannel] = enum_column(AlertChannel)
    new_order: Mapped[bool] = mapped_column(default=False)
    proof_sent: Mapped[bool] = mapped_column(default=False)
    paid: Mapped[bool] = mapped_column(default=False)
    cancelled: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    membership: Mapped[Membership] = relationship()

    @property
    def kinds(self) -> frozenset[AlertKind]:
        return frozenset(kind for kind in AlertKind if getattr(self, kind.value))
