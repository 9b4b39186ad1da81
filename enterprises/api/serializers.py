"""API representations of enterprises and outlets."""

from rest_framework import serializers

from enterprises.models import Enterprise, Outlet, Role


class EnterpriseSerializer(serializers.ModelSerializer):
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
    manufacturer_codes = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    whitelisted = serializers.BooleanField(
        read_only=True, help_text="综合利用行业规范条件白名单在列 / listed on the whitelist"
    )

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "uscc",
            "address",
            "division_code",
            "province",
            "prefecture",
            "roles",
            "dismantler_qualification_no",
            "manufacturer_codes",
            "whitelisted",
            "status",
            "status_changed_at",
            "contact_name",
            "contact_phone",
            "contact_email",
            "created_at",
        ]
        read_only_fields = fields


class OutletSerializer(serializers.ModelSerializer):
    owner_uscc = serializers.CharField(source="owner.uscc", read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True)
    operator_uscc = serializers.CharField(
        max_length=18,
        required=False,
        allow_blank=True,
        help_text="运营企业统一社会信用代码；空表示设立企业自行运营。"
        " USCC of the enterprise running the outlet; empty: the owner runs it.",
    )
    operator_name = serializers.CharField(read_only=True, help_text="运营企业名称；空表示自行运营")

    class Meta:
        model = Outlet
        fields = [
            "id",
            "name",
            "address",
            "division_code",
            "province",
            "prefecture",
            "status",
            "owner_uscc",
            "owner_name",
            "operator_uscc",
            "operator_name",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "province",
            "prefecture",
            "owner_uscc",
            "owner_name",
            "operator_name",
            "created_at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # Set here, not through `source`: a partial update would skip a field whose source
        # runs through a missing operator, and the schema declares both always present.
        data["operator_uscc"] = instance.operator.uscc if instance.operator_id else ""
        data["operator_name"] = instance.operator.name if instance.operator_id else ""
        return data
