"""Structural checks for the creational patterns, on good and bad snippets."""

from __future__ import annotations

import ast
import textwrap

from app.grading import pyast
from app.grading.patterns import creational


def tree(source: str):
    """Parse dedented source."""
    return pyast.parse(textwrap.dedent(source), "learner.py")


LOGGERS = ["FileLogger", "CloudLogger"]

FACTORY_METHOD = tree(
    """
    from loggers import CloudLogger, FileLogger
    import loggers

    class Service:
        def __init__(self) -> None:
            self.logger: FileLogger | CloudLogger = self.create_logger()

        def create_logger(self) -> "FileLogger":
            makers = {"file": lambda: FileLogger("a.log"), "cloud": lambda: loggers.CloudLogger()}
            return makers[TARGET]()

    class Checkout(Service):
        def pay(self, logger: CloudLogger = None):
            self.logger.log("paid")

    class RotatingFileLogger(FileLogger):
        @classmethod
        def default(cls):
            return RotatingFileLogger("x")
    """
)

LOGGERS_EVERYWHERE = tree(
    """
    class Checkout:
        def __init__(self):
            self.logger = CloudLogger() if TARGET == "cloud" else FileLogger("a.log")

    class Signup:
        def __init__(self):
            self.logger = make("CloudLogger")

    if isinstance(Checkout().logger, FileLogger):
        print("file")
    """
)


def test_a_factory_method_that_alone_names_the_classes_passes():
    assert creational.concrete_classes_named_outside(
        FACTORY_METHOD, factory="Service.create_logger", classes=LOGGERS
    ) == []


def test_naming_a_class_outside_the_factory_is_reported_with_its_place():
    problems = creational.concrete_classes_named_outside(
        LOGGERS_EVERYWHERE, factory="Service.create_logger", classes=LOGGERS
    )
    assert [p.split(":")[0] for p in problems[:4]] == [
        "line 4", "line 4", "line 8", "line 10"
    ]
    assert "Checkout.__init__ names CloudLogger" in problems[0]
    assert "only Service.create_logger should know" in problems[0]
    assert "Signup.__init__ names CloudLogger" in problems[2]  # by its name, as a string
    assert "module-level code names FileLogger" in problems[3]
    # The missing factory comes last, so the first message says what is wrong where.
    assert problems[-1].startswith("there is no Service.create_logger")


def test_whole_classes_can_be_the_factories():
    source = tree(
        """
        class AwsFactory:
            def create_storage(self):
                return S3Storage()

        class GcpFactory:
            def create_storage(self):
                return GcsStorage()

        class Service:
            def __init__(self, factory):
                self.storage = factory.create_storage()
        """
    )
    assert creational.concrete_classes_named_outside(
        source, factory=["AwsFactory", "GcpFactory"], classes=["S3Storage", "GcsStorage"]
    ) == []


def test_a_subclass_overriding_the_factory_is_outside_it():
    source = tree(
        """
        class Service:
            def create_logger(self):
                return FileLogger()

        class Checkout(Service):
            def create_logger(self):
                return CloudLogger()
        """
    )
    problems = creational.concrete_classes_named_outside(
        source, factory="Service.create_logger", classes=LOGGERS
    )
    assert len(problems) == 1
    assert "Checkout.create_logger names CloudLogger" in problems[0]


def test_instantiation_is_allowed_only_in_the_named_places():
    source = tree(
        """
        class RequestBuilder:
            def build(self):
                if not self.url:
                    raise ValueError("url")
                return Request(self.method, self.url)

        def search(term):
            return Request("GET", "/search")

        def is_request(x):
            return isinstance(x, Request)  # naming is fine; only creating counts

        config = Config()
        """
    )
    problems = creational.instantiated_outside(source, ["Request"], "RequestBuilder.build")
    assert problems == [
        "line 9: search creates Request(...) itself; only RequestBuilder.build should create "
        "Request objects."
    ]
    assert creational.instantiated_outside(source, ["Config"], "<module>") == []
    inside = tree("class Shop:\n    def is_open(self):\n        return Config().get('x')\n")
    (problem,) = creational.instantiated_outside(inside, ["Config"], "<module>")
    assert "Shop.is_open creates Config(...)" in problem and "module-level code" in problem


def test_a_missing_allowed_place_is_reported():
    source = tree("def search():\n    return Request()\n")
    problems = creational.instantiated_outside(source, ["Request"], "RequestBuilder.build")
    assert len(problems) == 2
    assert problems[1].startswith("there is no RequestBuilder.build")


FAMILIES = {"AwsFactory": ["S3Storage", "SqsQueue"], "GcpFactory": ["GcsStorage", "PubSubQueue"]}


def test_factories_that_keep_to_their_family_pass():
    source = tree(
        """
        class AwsFactory:
            def create_storage(self):
                return S3Storage()
            def create_queue(self):
                return SqsQueue()

        class GcpFactory:
            def create_storage(self):
                return GcsStorage()
            def create_queue(self):
                return PubSubQueue()
        """
    )
    assert creational.family_mixups(source, FAMILIES) == []


def test_a_factory_borrowing_from_another_family_is_reported():
    source = tree(
        """
        class AwsFactory:
            def create_storage(self):
                return S3Storage()
            def create_queue(self):
                return SqsQueue()

        class GcpFactory:
            def create_storage(self):
                return GcsStorage()
            def create_queue(self):
                return SqsQueue()
        """
    )
    (problem,) = creational.family_mixups(source, FAMILIES)
    assert problem.startswith("line 12: GcpFactory.create_queue makes SqsQueue")
    assert "belongs to the family of AwsFactory" in problem


def test_a_missing_factory_class_is_reported():
    (problem,) = creational.family_mixups(tree("class AwsFactory:\n    pass\n"), FAMILIES)
    assert problem == "there is no class GcpFactory: it should make GcsStorage and PubSubQueue"


NEW_SINGLETON = tree(
    """
    class Config:
        _instance = None

        def __new__(cls, *args):
            if cls._instance is None:
                cls._instance = super().__new__(cls)
            return cls._instance

        def __init__(self, overrides=None):
            self.values = {}
    """
)


def test_a_new_based_singleton_is_reported_with_why_it_resets():
    problems = creational.singleton_machinery(NEW_SINGLETON, "Config")
    assert [p.split(":")[0] for p in problems] == ["line 5", "line 3", "line 7"]
    assert "Python still runs __init__ after __new__" in problems[0]
    assert "class attribute kept to hold the one Config" in problems[1]
    assert "stores a Config object on the class" in problems[2]


def test_other_singleton_machinery_is_reported():
    source = tree(
        """
        class Meta(type):
            pass

        class ViaMetaclass(metaclass=Meta):
            pass

        @singleton
        class ViaDecorator:
            pass

        class ViaClassmethod:
            _shared_instance = None

            @classmethod
            def instance(cls):
                if cls._shared_instance is None:
                    cls._shared_instance = cls()
                return cls._shared_instance
        """
    )
    problems = creational.singletons(source)
    assert any("ViaMetaclass uses the metaclass Meta" in p for p in problems)
    assert any("decorated with @singleton" in p for p in problems)
    assert any("ViaClassmethod._shared_instance is a class attribute" in p for p in problems)
    assert any("ViaClassmethod.instance stores" in p for p in problems)


def test_ordinary_classes_have_no_singleton_machinery():
    source = tree(
        """
        from abc import ABC, ABCMeta

        class Config:
            instances_made = 0  # a counter, not a holder
            DEFAULTS = {"a": 1}

            def __init__(self, overrides=None):
                self.values = dict(self.DEFAULTS)

        class Base(metaclass=ABCMeta):
            pass

        config = Config()
        """
    )
    assert creational.singleton_machinery(source, "Config") == []
    assert creational.singletons(source) == []
    assert creational.singleton_machinery(source, "Missing") == ["there is no class Missing"]


def test_a_mutable_class_attribute_changed_in_place_is_shared_state():
    source = tree(
        """
        class Config:
            values = {"maintenance": False}
            DEFAULTS = {"maintenance": False}  # only read: fine
            history = []

            def __init__(self, overrides=None):
                self.values.update(overrides or {})

            def set(self, key, value):
                self.values[key] = value
                self.history += [key]
        """
    )
    problems = creational.shared_state(source, "Config")
    assert len(problems) == 2
    assert problems[0].startswith("line 3: Config.values is created once, in the class body")
    assert "(line 8)" in problems[0]
    assert problems[1].startswith("line 5: Config.history")


def test_borg_and_per_object_state():
    borg = tree(
        """
        class Config:
            _shared = {}

            def __init__(self):
                self.__dict__ = self._shared
        """
    )
    (problem,) = creational.shared_state(borg, "Config")
    assert "replaces self.__dict__" in problem
    fine = tree(
        """
        class Config:
            values = {}

            def __init__(self):
                self.values = {}

            def set(self, key, value):
                self.values[key] = value
        """
    )
    assert creational.shared_state(fine, "Config") == []


OVERBUILT = tree(
    """
    from abc import ABC, abstractmethod

    class Settings:
        def __init__(self, width):
            self.width = width

    class SettingsBuilder:
        def with_width(self, width):
            self._width = width
            return self

        def build(self):
            return Settings(self._width)

    class AbstractFormatter(ABC):
        @abstractmethod
        def format(self, invoice): ...

    class PlainFormatter(AbstractFormatter):
        def format(self, invoice):
            return "\\n".join(str(line) for line in invoice.lines)

    class AbstractFormatterFactory(ABC):
        @abstractmethod
        def create_formatter(self): ...

    class PlainFormatterFactory(AbstractFormatterFactory):
        def create_formatter(self):
            settings = SettingsBuilder().with_width(40).build()
            return PlainFormatter(settings)

    class FormatterSource:
        def get(self, kind="plain"):
            return PlainFormatterFactory()
    """
)

SIMPLE = tree(
    """
    from dataclasses import dataclass
    from typing import Protocol

    @dataclass
    class Line:
        price: float

        def total(self):
            return round(self.price, 2)

    class Shipping(Protocol):
        def cost(self, parcel): ...

    class Standard:
        def cost(self, parcel):
            return 1

    class Express:
        def cost(self, parcel):
            return 2

    class Point:
        def moved(self, dx):
            self.x += dx
            return self

    def render(invoice):
        return "".join(str(line) for line in invoice.lines)
    """
)


def test_creator_classes_are_found_by_name_and_by_shape():
    problems = creational.creator_classes(OVERBUILT)
    assert [p.split(":")[1].split()[0] for p in problems] == [
        "AbstractFormatterFactory", "PlainFormatterFactory", "FormatterSource"
    ]
    assert "create_formatter() only returns a new PlainFormatter" in problems[1]
    assert "FormatterSource exists only to create other objects" in problems[2]
    assert creational.creator_classes(SIMPLE) == []


def test_lonely_abstractions_are_found_and_real_choices_are_not():
    problems = creational.lonely_abstractions(OVERBUILT)
    assert problems == [
        "line 16: AbstractFormatter is an abstract class with only one implementation "
        "(PlainFormatter).",
        "line 24: AbstractFormatterFactory is an abstract class with only one implementation "
        "(PlainFormatterFactory).",
    ]
    assert creational.lonely_abstractions(SIMPLE) == []  # a Protocol with two implementations
    lonely_protocol = tree(
        """
        from typing import Protocol

        class Formatter(Protocol):
            def format(self, invoice): ...

        class Plain:
            def format(self, invoice):
                return ""
        """
    )
    (problem,) = creational.lonely_abstractions(lonely_protocol)
    assert "Formatter is a Protocol with only one implementation (Plain)" in problem
    empty = tree("import abc\n\nclass Base(abc.ABC):\n    pass\n")
    assert creational.lonely_abstractions(empty) == [
        "line 3: Base is an abstract class with no implementation at all."
    ]


def test_builders_are_recognised_by_their_shape():
    (problem,) = creational.builder_classes(OVERBUILT)
    assert problem == (
        "line 8: SettingsBuilder is a builder: with_width returns self, and build() makes the "
        "object."
    )
    assert creational.builder_classes(SIMPLE) == []  # Point.moved returns self, but no build()


def test_scoped_nodes_skip_annotations_and_know_their_place():
    places = {
        (type(node).__name__, getattr(node, "id", None), place)
        for node, place in creational.scoped_nodes(FACTORY_METHOD)
        if isinstance(node, ast.Name)
    }
    assert ("Name", "FileLogger", "Service.create_logger") in places
    assert not any(name == "CloudLogger" and place == "Checkout.pay" for _, name, place in places)
    assert ("Name", "TARGET", "Service.create_logger") in places


def test_a_very_long_expression_does_not_overflow_the_walk():
    source = tree("total = " + " + ".join(["price"] * 3000) + "\ndef f():\n    return Thing()\n")
    assert creational.instantiated_outside(source, ["Thing"], "<module>") == [
        "line 3: f creates Thing(...) itself; only module-level code should create Thing objects."
    ]


def test_a_class_reached_through_its_module_is_still_named():
    source = tree(
        """
        import loggers

        class Checkout:
            def __init__(self):
                self.logger = loggers.CloudLogger()
        """
    )
    (problem,) = creational.concrete_classes_named_outside(
        source, factory="create_logger", classes=["CloudLogger"]
    )[:1]
    assert problem.startswith("line 6: Checkout.__init__ names CloudLogger")


def test_function_shaped_factories_and_singletons_are_found():
    from app.grading import pyast
    from app.grading.patterns import creational

    module = pyast.parse(
        "import functools\n"
        "class Plain:\n    pass\n"
        "_shared = None\n"
        "def make(kind='plain'):\n    return {'plain': Plain}[kind]()\n"
        "def build():\n    return Plain()\n"
        "def shared():\n    global _shared\n    if _shared is None:\n        _shared = Plain()\n"
        "    return _shared\n"
        "@functools.cache\ndef cached():\n    return Plain()\n"
        "def render(x):\n    return str(x)\n"
    )
    assert [p.split(":")[0] for p in creational.creator_functions(module)] == [
        "line 5", "line 7", "line 15"
    ]
    assert [p.split(":")[0] for p in creational.module_singletons(module)] == [
        "line 9", "line 15"
    ]


def test_a_callable_protocol_with_one_typed_implementation_is_lonely():
    """A Protocol with only __call__ counts what is typed as it; chained setters are steps."""
    found = tree(
        """
        class Renders(Protocol):
            def __call__(self, invoice): ...

        RENDERER: Renders = plain_text

        class Settings:
            def __init__(self):
                self.width = 40

            def with_width(self, width):
                self.width = width
                return self

            def me(self):
                return self
        """
    )
    assert creational.lonely_abstractions(found) == [
        "line 2: Renders is a Protocol with only one implementation (plain_text)."
    ]
    steps = creational.fluent_steps(found)
    assert len(steps) == 1 and "with_width" in steps[0] and "me " not in steps[0]
    two = tree(
        """
        class Renders(Protocol):
            def __call__(self, invoice): ...

        PLAIN: Renders = plain_text
        HTML: "Renders" = html
        """
    )
    assert creational.lonely_abstractions(two) == []


def test_a_base_whose_stub_one_subclass_fills_in_is_a_lonely_abstraction():
    source = pyast.parse(textwrap.dedent(
        """
        class Formatting:
            def format(self, invoice):
                raise NotImplementedError

        class Text(Formatting):
            def format(self, invoice):
                return "text"

        class Helper:
            def run(self):
                pass

        class Runner(Helper):
            def other(self):
                return 1
        """
    ))
    assert creational.lonely_abstractions(source) == [
        "line 2: Formatting is an abstract class with only one implementation (Text)."
    ]
