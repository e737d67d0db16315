from __future__ import annotations

import datetime
from collections import deque
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from productorg.once import form_token_field
from productorg.people.models import Person, Team
from productorg.strategy.periods import quarter_span, validate_period, validate_quarter


class WorkCategory(models.TextChoices):
    """The four kinds of product problems a leader sequences after product-market fit."""

    FEATURE = "feature", "Feature"
    GROWTH = "growth", "Growth"
    SCALING = "scaling", "Scaling"
    PMF_EXPANSION = "pmf_expansion", "Product-market-fit expansion"


# An initiative whose kind nobody chose yet (an import without a category column, say) has
# none: counting it as Feature would put a made-up share on the mix board.
# An objective's or an initiative's description: the limit of every path (page, API, import).
DESCRIPTION_MAX_LENGTH = 20_000

NO_CATEGORY_LABEL = "No category"
CATEGORY_CHOICES = [("", NO_CATEGORY_LABEL), *WorkCategory.choices]
# What filters (lists, roadmap, ranking, the API) call "no category chosen": "" already
# means "any category" there.
NO_CATEGORY_FILTER = "none"
CATEGORY_FILTER_CHOICES = [
    ("", "Any category"),
    *WorkCategory.choices,
    (NO_CATEGORY_FILTER, NO_CATEGORY_LABEL),
]


class Bucket(models.TextChoices):
    """Adam Nash's three feature buckets."""

    METRICS_MOVER = "metrics_mover", "Metrics mover"
    CUSTOMER_REQUEST = "customer_request", "Customer request"
    CUSTOMER_DELIGHT = "customer_delight", "Customer delight"


class Objective(models.Model):
    """What the organisation wants to achieve in a period; objectives cascade via `parent`."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    period = models.CharField(max_length=7, validators=[validate_period])
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="objectives"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    version = models.PositiveIntegerField(default=1)
    # Who made the current version, and when: a refused save over the user's own earlier one
    # (another tab, or a page from before Back) says it was theirs. None: an import or a job.
    updated_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    form_token = form_token_field()

    class Meta:
        ordering = ["period", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="objective_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period})"


class InitiativeStatus(models.TextChoices):
    IDEA = "idea", "Idea"
    DISCOVERY = "discovery", "Discovery"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Health(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


class Tag(models.Model):
    """A free label on initiatives (Jira and Linear labels arrive as tags)."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportSource(models.TextChoices):
    """Where an imported initiative came from; with its key it finds the row on re-import."""

    JIRA = "jira", "Jira"
    LINEAR = "linear", "Linear"
    PRODUCTBOARD = "productboard", "Productboard"
    AHA = "aha", "Aha!"
    CSV = "csv", "CSV or XLSX"


class Initiative(models.Model):
    """A piece of product work owned by one team."""

    Status = InitiativeStatus
    Health = Health

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="initiatives"
    )
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="initiatives"
    )
    category = models.CharField(
        "work category", max_length=16, choices=CATEGORY_CHOICES, blank=True, default=""
    )
    status = models.CharField(
        max_length=16, choices=InitiativeStatus.choices, default=InitiativeStatus.IDEA
    )
    health = models.CharField(max_length=8, choices=Health.choices, default=Health.GREEN)
    value_estimate = models.DecimalField(max_digits=10, decimal_places=1, default=0)
    effort_estimate = models.DecimalField(
        "effort estimate (person-weeks)", max_digits=8, decimal_places=1, default=0
    )
    objectives = models.ManyToManyField(Objective, blank=True, related_name="initiatives")
    bucket = models.CharField(max_length=24, choices=Bucket.choices, blank=True)
    # Reported to the leadership team whatever its span (leadership reports' default scope).
    leadership_level = models.BooleanField(
        "leadership-level",
        default=False,
        help_text="Always in the leadership report, even when one team does it.",
    )
    # Where the initiative sits on the roadmap; the planner (or a leader) sets it.
    start_quarter = models.CharField(
        "planned start quarter",
        max_length=7,
        blank=True,
        validators=[validate_quarter],
        help_text="e.g. 2027-Q1",
    )
    duration_quarters = models.PositiveSmallIntegerField(
        "duration (quarters)", default=1, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    earliest_start = models.DateField(null=True, blank=True)
    deadline = models.DateField(null=True, blank=True)
    # Inputs of the scoring models; empty means "not estimated", and a score that needs it
    # says so rather than inventing a number.
    reach = models.PositiveIntegerField(
        null=True, blank=True, help_text="People or events affected per quarter (RICE)."
    )
    impact = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text="0.25 minimal, 0.5 low, 1 medium, 2 high, 3 massive (RICE, ICE).",
    )
    confidence = models.PositiveSmallIntegerField(
        "confidence (%)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="How sure the estimates are: 100 high, 80 medium, 50 low.",
    )
    ease = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="1 (hard) to 10 (easy) (ICE).",
    )
    business_value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)], help_text="Relative (WSJF)."
    )
    time_criticality = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)], help_text="Relative (WSJF)."
    )
    risk_reduction = models.PositiveSmallIntegerField(
        "risk reduction / opportunity enablement",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Relative (WSJF).",
    )
    job_size = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)], help_text="Relative (WSJF)."
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="initiatives")
    # The issue an import made this from (e.g. jira / "PROJ-12"): re-importing the same
    # export updates this row instead of creating a twin.
    source = models.CharField(max_length=16, choices=ImportSource.choices, blank=True)
    source_key = models.CharField(max_length=100, blank=True)
    # Optimistic locking: a save names the version it started from (see services).
    version = models.PositiveIntegerField(default=1)
    # Who made the current version (None: an import or a plan applied by nobody in the org),
    # so a refused save over the user's own earlier one says it was theirs.
    updated_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A form's one-time token, so a double-clicked submit creates one initiative.
    form_token = form_token_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_estimate__gte=0), name="initiative_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True)
                | Q(earliest_start__isnull=True)
                | Q(deadline__gte=models.F("earliest_start")),
                name="initiative_deadline_after_earliest_start",
            ),
            models.CheckConstraint(
                condition=Q(duration_quarters__gte=1), name="initiative_lasts_a_quarter_or_more"
            ),
            models.CheckConstraint(
                condition=Q(effort_estimate__gte=0), name="initiative_effort_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(category__in=["", *WorkCategory.values]),
                name="initiative_category_known_or_none",
            ),
            models.CheckConstraint(
                condition=Q(status__in=InitiativeStatus.values), name="initiative_status_known"
            ),
            models.CheckConstraint(
                condition=Q(health__in=Health.values), name="initiative_health_known"
            ),
            models.UniqueConstraint(
                fields=["source", "source_key"],
                condition=~Q(source_key=""),
                name="initiative_one_per_source_key",
            ),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["category"]),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.deadline and self.earliest_start and self.deadline < self.earliest_start:
            raise ValidationError(
                {"deadline": "The deadline must not be before the earliest start."}
            )

    @property
    def quarters(self) -> list[str]:
        """The quarters the initiative is planned to run in, or [] when it is not placed."""
        if not self.start_quarter:
            return []
        return quarter_span(self.start_quarter, self.duration_quarters)

    @property
    def overdue_milestones(self) -> list[Milestone]:
        """Milestones past their date and not done (reads prefetched milestones)."""
        return [milestone for milestone in self.milestones.all() if milestone.is_overdue]


class InitiativeEffort(models.Model):
    """The effort one team puts into an initiative, in person-weeks over its whole duration.

    The initiative's `effort_estimate` is the sum over its teams."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="team_efforts"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="initiative_efforts")
    effort = models.DecimalField(
        "effort (person-weeks)", max_digits=8, decimal_places=1, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["initiative", "team__name"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "team"], name="one_effort_per_team"),
            models.CheckConstraint(condition=Q(effort__gte=0), name="team_effort_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.effort} pw on {self.initiative}"


class Milestone(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due = models.DateField()
    done = models.BooleanField(default=False)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.due})"

    @staticmethod
    def overdue_q(today: datetime.date, prefix: str = "") -> Q:
        """Past its date and not done, as a filter (`prefix` reaches it through a relation)."""
        return Q(**{f"{prefix}done": False, f"{prefix}due__lt": today})

    @property
    def is_overdue(self) -> bool:
        """Past its date and not done: the alignment check's rule, for one milestone."""
        return not self.done and self.due < timezone.localdate()


class Risk(models.Model):
    class Severity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="risks")
    description = models.CharField(max_length=500)
    severity = models.CharField(max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    mitigation = models.TextField(blank=True, max_length=4000)
    closed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["closed", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=["low", "medium", "high"]), name="risk_severity_known"
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Vision(models.Model):
    """One version of the product vision; the newest is the vision, the rest its history."""

    text = models.TextField(max_length=20_000)
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Vision of {self.created_at:%d %b %Y}"


class KeyResult(models.Model):
    """How an objective is measured: a metric moving from a baseline toward a target."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="key_results")
    metric = models.CharField("metric name", max_length=200)
    unit = models.CharField(max_length=32, blank=True, help_text="e.g. %, €, ms, customers")
    baseline = models.DecimalField(max_digits=14, decimal_places=2)
    target = models.DecimalField(max_digits=14, decimal_places=2)
    current = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["objective", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(target=models.F("baseline")), name="key_result_target_moves"
            ),
        ]

    def __str__(self) -> str:
        return self.metric

    def clean(self) -> None:
        super().clean()
        if self.baseline is not None and self.baseline == self.target:
            raise ValidationError({"target": "The target must differ from the baseline."})

    @staticmethod
    def _number(value: Decimal | None) -> str:
        """As the `floatformat:"-2"` filter writes it (whole numbers without decimals), at a
        fraction of its cost: the strategy tree shows hundreds of these."""
        if value is None:
            return ""
        value = Decimal(str(value))
        return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.2f}"

    @property
    def baseline_text(self) -> str:
        return self._number(self.baseline)

    @property
    def target_text(self) -> str:
        return self._number(self.target)

    @property
    def current_text(self) -> str:
        return self._number(self.current)

    @property
    def progress_text(self) -> str:
        return f"{self.progress:.2f}"

    @property
    def unit_suffix(self) -> str:
        """The unit as written after a number: "%" sticks to it, words stand apart."""
        return self.unit if self.unit in {"", "%"} else f" {self.unit}"

    @property
    def progress(self) -> float:
        """Share of the way from baseline to target, 0 to 1; works for metrics that fall too."""
        if self.current is None or self.target == self.baseline:
            return 0.0
        share = float((self.current - self.baseline) / (self.target - self.baseline))
        return min(max(share, 0.0), 1.0)


class Dependency(models.Model):
    """`initiative` can start only after `depends_on` has finished."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="dependencies"
    )
    depends_on = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="dependents")
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["initiative", "depends_on"], name="one_dependency"),
            models.CheckConstraint(
                condition=~Q(initiative=models.F("depends_on")), name="no_self_dependency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} after {self.depends_on}"

    def clean(self) -> None:
        super().clean()
        if self.initiative_id is None or self.depends_on_id is None:
            return
        cycle = dependency_cycle(self.initiative_id, self.depends_on_id)
        if cycle:
            titles = dict(Initiative.objects.filter(pk__in=cycle).values_list("pk", "title"))
            path = " → ".join(titles[pk] for pk in cycle)
            raise ValidationError({"depends_on": f"This would make a dependency cycle: {path}."})


def dependency_cycle(initiative_id: int, depends_on_id: int) -> list[int]:
    """The cycle that "initiative after depends_on" would close, as ids from and back to
    `initiative`, or [] when there is none."""
    if initiative_id == depends_on_id:
        return [initiative_id, initiative_id]
    after: dict[int, list[int]] = {}
    for source, target in Dependency.objects.values_list("initiative_id", "depends_on_id"):
        after.setdefault(source, []).append(target)
    # Breadth-first along "depends on" edges from depends_on: reaching initiative is a cycle.
    came_from: dict[int, int | None] = {depends_on_id: None}
    queue = deque([depends_on_id])
    while queue:
        current = queue.popleft()
        if current == initiative_id:
            path = []
            node: int | None = current
            while node is not None:
                path.append(node)
                node = came_from[node]
            return [initiative_id, *reversed(path)]
        for target in after.get(current, []):
            if target not in came_from:
                came_from[target] = current
                queue.append(target)
    return []


class StatusUpdate(models.Model):
    """An initiative's health, progress, risks and decisions needed, at a date."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="status_updates"
    )
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    date = models.DateField()
    health = models.CharField(max_length=8, choices=Health.choices)
    progress = models.PositiveSmallIntegerField(help_text="Percent done, 0 to 100.")
    summary = models.TextField(max_length=4000)
    risks = models.TextField(blank=True, max_length=4000)
    decisions_needed = models.TextField(blank=True, max_length=4000)
    form_token = form_token_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="status_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(health__in=Health.values), name="status_health_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative} on {self.date}"


class BalanceDimension(models.Model):
    """A way of slicing the portfolio's effort that a leader wants in balance.

    Work category and bucket are built in (their values are the initiative's own fields);
    a leader adds their own, such as customer vs business demand, with their own values."""

    class Field(models.TextChoices):
        CATEGORY = "category", "Work category"
        BUCKET = "bucket", "Bucket"

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True, max_length=2000)
    # Set for the built-in dimensions: the Initiative field that holds the value.
    initiative_field = models.CharField(
        max_length=16, choices=Field.choices, blank=True, unique=True, null=True
    )
    order = models.PositiveSmallIntegerField(default=100)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        return bool(self.initiative_field)


class DimensionValue(models.Model):
    """One value of a balance dimension; for a built-in dimension `key` is the field's value."""

    dimension = models.ForeignKey(BalanceDimension, on_delete=models.CASCADE, related_name="values")
    key = models.SlugField(max_length=64)
    label = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["dimension", "order", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "key"], name="one_value_key_per_dimension"
            ),
            models.UniqueConstraint(
                fields=["dimension", "label"], name="one_value_label_per_dimension"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Classification(models.Model):
    """Where an initiative sits on a leader's own balance dimension (one value per dimension).

    Built-in dimensions read the initiative's `category` and `bucket` instead."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="classifications"
    )
    dimension = models.ForeignKey(
        BalanceDimension, on_delete=models.CASCADE, related_name="classifications"
    )
    value = models.ForeignKey(
        DimensionValue, on_delete=models.CASCADE, related_name="classifications"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "dimension"], name="one_value_per_initiative_and_dimension"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative}: {self.value}"

    def clean(self) -> None:
        super().clean()
        if self.value_id and self.dimension_id and self.value.dimension_id != self.dimension_id:
            raise ValidationError({"value": f"{self.value} is not a value of {self.dimension}."})


class MixTarget(models.Model):
    """The share of effort a leader wants for one value of a dimension, for the whole org
    (no team) or one team, in a period, with a tolerance in percentage points either side.

    The targets of one dimension, team and period sum to 100 % (checked where they are set)."""

    dimension = models.ForeignKey(
        BalanceDimension, on_delete=models.CASCADE, related_name="mix_targets"
    )
    value = models.ForeignKey(DimensionValue, on_delete=models.CASCADE, related_name="mix_targets")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="mix_targets"
    )
    period = models.CharField(max_length=7, validators=[validate_period])
    share = models.DecimalField(
        "target share (%)",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    tolerance = models.DecimalField(
        "tolerance (± percentage points)",
        max_digits=3,
        decimal_places=1,
        default=5,
        validators=[MinValueValidator(0), MaxValueValidator(50)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period", "dimension", "team", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["value", "team", "period"], name="one_target_per_value_team_period"
            ),
            models.UniqueConstraint(
                fields=["value", "period"],
                condition=Q(team__isnull=True),
                name="one_org_target_per_value_period",
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=100), name="mix_share_is_a_percentage"
            ),
            models.CheckConstraint(
                condition=Q(tolerance__gte=0) & Q(tolerance__lte=50),
                name="mix_tolerance_in_range",
            ),
        ]

    def __str__(self) -> str:
        scope = self.team or "the org"
        return f"{self.value} {self.share}% ± {self.tolerance} for {scope} in {self.period}"


class ScoringModel(models.Model):
    """A leader's own prioritisation formula over an initiative's numeric fields.

    The built-in models (RICE, WSJF, ICE, value ÷ effort) live in `strategy.scoring`."""

    name = models.CharField(max_length=100, unique=True)
    formula = models.CharField(max_length=500)
    description = models.TextField(blank=True, max_length=2000)
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The create's one-time token (productorg.once): the same submit twice makes one.
    form_token = form_token_field()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
