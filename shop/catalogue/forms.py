from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from shop.catalogue.models import Category, NetUnit, PackagingType, ShelfLifeUnit
from shop.catalogue.queries import SORTS, CatalogueFilters
from shop.catalogue.services import PhotoUpload, ProductData, VariantData
from shop.core.filters import ChoiceFilter, FilterForm, FlagFilter, NumberFilter, TextFilter
from shop.groups.models import Programme
from shop.i18n.fields import WholeNumberField
from shop.i18n.forms import BaseForm
from shop.media.forms import PhotoField, PhotosField, upload_name
from shop.regions.queries import province_codes, regency_codes

MAX_VARIANTS = 10
MAX_SHELF_LIFE_DAYS = 3650
UNKNOWN_VARIANT = _l("A variant of another product was sent. Reload the page.")


class VariantIdField(HiddenField):
    """The id of the variant a row edits, exactly as the page posted it: empty
    or absent for a new row. It never takes an id from the product object (a
    post without ids must not be matched to variants by position), and what is
    not a plain number is refused with a message, not a 500."""

    def process_data(self, value):
        self.data = None

    def process_formdata(self, valuelist):
        raw = str(valuelist[0]).strip() if valuelist else ""
        if not raw:
            self.data = None
        elif raw.isascii() and raw.isdigit() and len(raw) <= 18:
            self.data = int(raw)
        else:
            self.data = None
            raise ValueError(UNKNOWN_VARIANT)


class VariantForm(Form):
    """One row of the variants table; a sub-form without its own CSRF token."""

    class Meta:
        # Same translations as BaseForm: WTForms messages go through our catalogue.
        def get_translations(self, form):
            return BaseForm.Meta.get_translations(self, form)

    id = VariantIdField()
    label = StringField(
        _l("Variant"),
        validators=[Optional(), Length(max=60)],
        description=_l("e.g. 100 g, 250 g, size M, red"),
    )
    price = WholeNumberField(
        _l("Price (Rp)"),
        validators=[
            Optional(),
            NumberRange(
                min=0, max=1_000_000_000, message=_l("Give a price from Rp0 to Rp1 billion.")
            ),
        ],
    )
    stock_mode = RadioField(
        _l("Stock"),
        choices=[
            SelectChoice("stock", _l("Ready stock")),
            SelectChoice("order", _l("Made to order")),
        ],
        default="stock",
        validators=[Optional()],
    )
    stock = WholeNumberField(
        _l("Units in stock"), validators=[Optional(), NumberRange(min=0, max=1_000_000)]
    )
    lead_time_days = WholeNumberField(
        _l("Days to make"), validators=[Optional(), NumberRange(min=0, max=365)]
    )
    min_order_qty = WholeNumberField(
        _l("Minimum order"), default=1, validators=[Optional(), NumberRange(min=1, max=10_000)]
    )
    remove = BooleanField(_l("Remove this variant"))

    @property
    def is_blank(self) -> bool:
        return not (self.label.data or "").strip() and self.price.data is None and not self.id.data

    def validate(self, extra_validators=None):
        """Label, price and (for ready stock) the stock count are required on a
        row that is in use. Checked here, not as inline validators: Optional()
        on an empty field stops the chain before those would run."""
        ok = super().validate(extra_validators)
        if self.is_blank or self.remove.data:
            return ok
        required = [
            (self.label, not (self.label.data or "").strip(), _l("Name the variant, e.g. 100 g.")),
            (self.price, self.price.data is None, _l("Give the price in rupiah.")),
            (
                self.stock,
                self.stock_mode.data == "stock" and self.stock.data is None,
                _l("How many units are in stock? (0 is allowed.)"),
            ),
        ]
        for field, missing, message in required:
            if missing and not field.errors:
                field.errors = [*field.errors, message]
                ok = False
        return ok


class ProductForm(BaseForm):
    name = StringField(_l("Product name"), validators=[DataRequired(), Length(min=3, max=120)])
    # Shown only when another product of the group has the name (see the view).
    same_name_ok = BooleanField(_l("Yes, save it as another product with this name"))
    category = SelectField(_l("Category"), validators=[DataRequired()])
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Taste, material, size, how it is made: what a buyer wants to know."),
    )
    catalogue_only = BooleanField(
        _l("Catalogue only (shown, not for sale online)"),
    )
    variants = FieldList(FormField(VariantForm), min_entries=1, max_entries=MAX_VARIANTS)
    add_variant = SubmitField(_l("Add another variant"))

    packaging_type = SelectField(_l("Packaging"), validators=[Optional()])
    net_content = WholeNumberField(
        _l("Net content"), validators=[Optional(), NumberRange(min=1, max=1_000_000)]
    )
    net_unit = SelectField(_l("Unit"), validators=[Optional()])
    length_cm = WholeNumberField(
        _l("Length (cm)"), validators=[Optional(), NumberRange(min=1, max=500)]
    )
    width_cm = WholeNumberField(
        _l("Width (cm)"), validators=[Optional(), NumberRange(min=1, max=500)]
    )
    height_cm = WholeNumberField(
        _l("Height (cm)"), validators=[Optional(), NumberRange(min=1, max=500)]
    )
    shelf_life = WholeNumberField(
        _l("Shelf life"), validators=[Optional(), NumberRange(min=1, max=3650)]
    )
    shelf_life_unit = SelectField(
        _l("Shelf life unit"), choices=ShelfLifeUnit.choices(), default=ShelfLifeUnit.DAY.value
    )
    storage_instructions = TextAreaField(
        _l("Storage instructions"), validators=[Optional(), Length(max=500)]
    )
    ingredients = TextAreaField(_l("Ingredients"), validators=[Optional(), Length(max=1000)])
    allergens = StringField(
        _l("Allergens"),
        validators=[Optional(), Length(max=300)],
        description=_l("e.g. fish, wheat, peanuts, milk"),
    )
    pirt_number = StringField(
        _l("PIRT number"),
        validators=[Optional(), Length(max=40)],
        description=_l("Home-industry food permit (P-IRT), 15 digits"),
    )
    halal_number = StringField(
        _l("Halal certificate number"), validators=[Optional(), Length(max=60)]
    )
    bpom_number = StringField(_l("BPOM number"), validators=[Optional(), Length(max=40)])

    # Several photos chosen at once; the first one chosen is described by
    # photo_alt (the others on the photos page, after saving).
    photo = PhotosField(_l("Choose photos"))
    photo_alt = StringField(
        _l("Describe the first photo"),
        validators=[Optional(), Length(max=200)],
        description=_l("For people who cannot see it, e.g. “Abon lele in a 100 g standing pouch”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = Category.choices(_l("Choose a category"))
        self.packaging_type.choices = PackagingType.choices(_l("Not stated"))
        self.net_unit.choices = NetUnit.choices(_l("Unit"))
        # None posted, or a product's own (None before units existed): days.
        unit = self.shelf_life_unit
        if not unit.raw_data and unit.data not in {u.value for u in ShelfLifeUnit}:
            unit.data = ShelfLifeUnit.DAY.value

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        # Not an inline validator: Optional() on an empty unit would skip it.
        if self.net_content.data and not self.net_unit.data:
            self.net_unit.errors = [
                *self.net_unit.errors,
                _l("Choose the unit of the net content."),
            ]
            ok = False
        return ok

    def validate_shelf_life(self, field):
        if self.shelf_life_days() and self.shelf_life_days() > MAX_SHELF_LIFE_DAYS:
            raise ValidationError(_l("A shelf life can be at most 10 years."))

    def shelf_life_days(self) -> int | None:
        """The shelf life in days, from the number and its unit."""
        if not self.shelf_life.data:
            return None
        try:
            unit = ShelfLifeUnit(self.shelf_life_unit.data or ShelfLifeUnit.DAY.value)
        except ValueError:
            unit = ShelfLifeUnit.DAY
        return self.shelf_life.data * unit.days

    def load_shelf_life(self, product) -> None:
        """The shelf life shown back in the unit the group gave it in."""
        if product.shelf_life_as_entered is not None:
            self.shelf_life.data, unit = product.shelf_life_as_entered
            self.shelf_life_unit.data = unit.value

    def validate_variants(self, field):
        if any(row.form.id.errors for row in field):
            raise ValidationError(UNKNOWN_VARIANT)
        rows = [row.form for row in field if not row.form.is_blank and not row.form.remove.data]
        if not rows:
            raise ValidationError(_l("Add at least one variant with its price."))
        labels = [(row.label.data or "").strip().lower() for row in rows]
        if len(set(labels)) != len(labels):
            raise ValidationError(_l("Two variants have the same name."))

    def request_extra_variant(self) -> bool:
        """True when "Add another variant" was pressed (no JS needed): the view
        re-renders the form with one more empty row and saves nothing."""
        if self.add_variant.data and len(self.variants) < MAX_VARIANTS:
            self.variants.append_entry()
            return True
        return False

    def to_data(self) -> ProductData:
        return ProductData(
            name=self.name.data,
            category=self.category.data,
            description=self.description.data or "",
            catalogue_only=bool(self.catalogue_only.data),
            packaging_type=self.packaging_type.data or None,
            net_content=self.net_content.data,
            net_unit=self.net_unit.data or None,
            length_cm=self.length_cm.data,
            width_cm=self.width_cm.data,
            height_cm=self.height_cm.data,
            shelf_life_days=self.shelf_life_days(),
            shelf_life_unit=self.shelf_life_unit.data or None,
            storage_instructions=self.storage_instructions.data or "",
            ingredients=self.ingredients.data or "",
            allergens=self.allergens.data or "",
            pirt_number=self.pirt_number.data or "",
            halal_number=self.halal_number.data or "",
            bpom_number=self.bpom_number.data or "",
        )

    def to_variants(self) -> list[VariantData]:
        out = []
        for row in self.variants:
            sub = row.form
            if sub.is_blank:
                continue
            made_to_order = sub.stock_mode.data == "order"
            out.append(
                VariantData(
                    id=sub.id.data,
                    label=sub.label.data or "",
                    price=sub.price.data or 0,
                    stock=None if made_to_order else (sub.stock.data or 0),
                    lead_time_days=sub.lead_time_days.data if made_to_order else None,
                    min_order_qty=sub.min_order_qty.data or 1,
                    remove=bool(sub.remove.data),
                )
            )
        return out

    def to_photos(self) -> list[PhotoUpload]:
        """The chosen photos in their order; the description goes with the first."""
        return [
            PhotoUpload(upload, (self.photo_alt.data or "") if n == 0 else "", upload_name(upload))
            for n, upload in enumerate(self.photo.data or [])
        ]

    def load_variants(self, product) -> None:
        while len(self.variants):
            self.variants.pop_entry()
        for variant in product.variants:
            entry = self.variants.append_entry()
            entry.form.id.data = str(variant.id)
            entry.form.label.data = variant.label
            entry.form.price.data = variant.price
            entry.form.stock_mode.data = "order" if variant.made_to_order else "stock"
            entry.form.stock.data = variant.stock
            entry.form.lead_time_days.data = variant.lead_time_days
            entry.form.min_order_qty.data = variant.min_order_qty


class PhotoForm(BaseForm):
    photo = PhotoField(_l("Add a photo"), validators=[DataRequired(_l("Choose a photo."))])
    alt_text = StringField(_l("Describe the photo"), validators=[Optional(), Length(max=200)])


class PhotoAltForm(BaseForm):
    alt_text = StringField(_l("Describe the photo"), validators=[Optional(), Length(max=200)])


class StatusForm(BaseForm):
    status = HiddenField()


class CatalogueFilterForm(FilterForm):
    """The public catalogue's search, filters and sort (a GET form)."""

    q = TextFilter(_l("Search products"), max_length=200)
    kategori = ChoiceFilter(_l("Category"), Category)
    program = ChoiceFilter(_l("Programme"), Programme)
    provinsi = ChoiceFilter(_l("Province"), province_codes)
    kabupaten = ChoiceFilter(_l("Regency/city"), regency_codes)
    harga_min = NumberFilter(_l("Minimum price (Rp)"), separators=".,")
    harga_max = NumberFilter(_l("Maximum price (Rp)"), separators=".,")
    tersedia = FlagFilter(_l("Ready stock only"))
    urut = ChoiceFilter(_l("Sort by"), SORTS)

    def filters(self) -> CatalogueFilters:
        return CatalogueFilters(
            q=self.q.data,
            category=self.kategori.data.value if self.kategori.data else "",
            programme=self.program.data.value if self.program.data else "",
            province=self.provinsi.data or "",
            regency=self.kabupaten.data or "",
            price_min=self.harga_min.data,
            price_max=self.harga_max.data,
            available=self.tersedia.data,
            sort=self.urut.data or "",
        )
