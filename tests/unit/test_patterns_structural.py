"""Structural-pattern checks, each on code that uses the pattern and on code that only seems to."""

from __future__ import annotations

import textwrap

import pytest

from app.grading import pyast
from app.grading.patterns import structural


def tree(source: str):
    """Parse dedented source."""
    return pyast.parse(textwrap.dedent(source), "learner.py")


# --- readers -----------------------------------------------------------------------------------


def test_inheritance_is_followed_through_the_file_and_dotted_bases():
    source = tree(
        """
        import legacy

        class Base(legacy.Client): ...
        class Middle(Base): ...
        class Leaf(Middle, Generic[T]): ...
        """
    )
    assert structural.ancestors(source, "Leaf") == ["Middle", "Generic", "Base", "Client"]
    assert structural.inherits_from(source, "Leaf", "Client")
    assert structural.inherits_from(source, "Leaf", "legacy.Client")
    assert not structural.inherits_from(source, "Base", "Middle")
    assert structural.ancestors(source, "Missing") == []


def test_held_objects_come_from_constructor_parameters_fields_and_bases():
    source = tree(
        """
        from dataclasses import dataclass

        class Wrapper:
            def __init__(self, inner, ttl=60, *, clock=None):
                self.inner = inner
                self.ttl, self.clock = ttl, clock or default_clock
                self.cache = {}
                self.count = 0

        class Group:
            def __init__(self, name, items=()):
                self.items = list(items)
                self.more = [*items]

        class Lazy:
            def __init__(self, factory):
                self.factory = factory
                self.real = None

            def get(self):
                self.real = self.factory()

        class Child(Wrapper):
            pass

        @dataclass
        class Data:
            drink: object
            extra: ClassVar[int] = 5
        """
    )
    assert structural.held_objects(source, "Wrapper") == {
        "inner": "inner", "ttl": "ttl", "clock": "clock"
    }
    assert structural.held_objects(source, "Group") == {"items": "items", "more": "items"}
    assert structural.held_objects(source, "Lazy") == {"factory": "factory", "real": "factory"}
    assert structural.held_objects(source, "Child") == structural.held_objects(source, "Wrapper")
    assert structural.held_objects(source, "Data") == {"drink": "drink"}


def test_delegations_see_aliases_bound_methods_getattr_and_helpers():
    source = tree(
        """
        class Proxy:
            def __init__(self, real):
                self.real = real

            def direct(self):
                return self.real.rate()

            def aliased(self):
                inner = self.real
                return inner.cost()

            def handed_on(self):
                return self._fetch(self.real.currencies)

            def via_helper(self):
                return self._fetch(None)

            def _fetch(self, fetch):
                return self.real.load()

            def __getattr__(self, name):
                return getattr(self.real, name)

            def alone(self):
                return 42
        """
    )
    uses = structural.delegations(source, "Proxy")
    assert uses["direct"] == {"real": {"rate"}}
    assert uses["aliased"] == {"real": {"cost"}}
    assert uses["handed_on"] == {"real": {"currencies", "load"}}
    assert uses["via_helper"] == {"real": {"load"}}
    assert uses["__getattr__"] == {"real": {structural.ANY_METHOD}}
    assert uses["alone"] == {}


# --- Decorator ---------------------------------------------------------------------------------

DECORATORS = tree(
    """
    class Espresso:
        def cost(self):
            return 250

    class AddOn:
        price = 0

        def __init__(self, drink):
            self.drink = drink

        def cost(self):
            return self.drink.cost() + self.price

    class Milk(AddOn):
        price = 50

    class Caramel:
        def __init__(self, drink):
            self.drink = drink

        def cost(self):
            return self.drink.cost() + 70

    class Syrup(Espresso):
        def cost(self):
            return super().cost() + 60

    class Sugar:
        def cost(self):
            return 10

    class Cream:
        def __init__(self, drink):
            self.drink = drink

        def cost(self):
            return 250 + 40

    class Foam:
        def __init__(self, drink):
            self.drink = drink
    """
)


def test_decorators_that_wrap_pass_directly_or_through_a_shared_base():
    assert structural.wraps_instead_of_subclassing(
        DECORATORS, ["Milk", "Caramel"], "Espresso", ["cost"]
    ) == []


def test_a_decorator_that_subclasses_the_component_is_named_as_such():
    [problem] = structural.wraps_instead_of_subclassing(DECORATORS, ["Syrup"], "Espresso", ["cost"])
    assert problem.startswith("line 25: Syrup inherits from Espresso")
    assert "A decorator wraps the object it is handed" in problem


def test_a_decorator_that_holds_nothing_or_does_not_delegate_fails():
    [sugar] = structural.wraps_instead_of_subclassing(DECORATORS, ["Sugar"], "Espresso", ["cost"])
    assert "keeps no object from its constructor" in sugar
    [cream] = structural.wraps_instead_of_subclassing(DECORATORS, ["Cream"], "Espresso", ["cost"])
    assert cream.startswith("line 37: Cream.cost() never calls the object it wraps (self.drink)")
    [foam] = structural.wraps_instead_of_subclassing(DECORATORS, ["Foam"], "Espresso", ["cost"])
    assert foam.startswith("Foam has no cost() method")
    [gone] = structural.wraps_instead_of_subclassing(DECORATORS, ["Honey"], "Espresso", ["cost"])
    assert gone.startswith("there is no class Honey")


# --- Adapter -----------------------------------------------------------------------------------


def test_adapter_that_holds_and_translates_passes():
    source = tree(
        """
        class BankAdapter:
            def __init__(self, client):
                self.client = client

            def charge(self, amount, order_id):
                result = self.client.make_transaction(round(amount * 100), "EUR", order_id)
                return result["ref"]
        """
    )
    assert structural.adapter_wraps(source, "BankAdapter", "LegacyClient", ["charge"]) == []
    assert structural.leaves_class_untouched(source, "LegacyClient") == []


def test_adapter_by_inheritance_or_without_the_adaptee_fails():
    inherits = tree(
        """
        from legacy import LegacyClient

        class BankAdapter(LegacyClient):
            def charge(self, amount, order_id):
                return self.make_transaction(amount, "EUR", order_id)
        """
    )
    [problem] = structural.adapter_wraps(inherits, "BankAdapter", "LegacyClient", ["charge"])
    assert problem.startswith("line 4: BankAdapter inherits from LegacyClient")
    ignores = tree(
        """
        class BankAdapter:
            def __init__(self, client):
                self.client = client

            def charge(self, amount, order_id):
                return "TX-1"
        """
    )
    problem, _ = structural.adapter_wraps(
        ignores, "BankAdapter", "LegacyClient", ["charge", "refund"]
    )
    assert "never calls the object it adapts (self.client)" in problem
    [missing] = structural.adapter_wraps(ignores, "BankAdapter", "LegacyClient", ["refund"])
    assert missing.startswith("BankAdapter has no refund() method")


def test_editing_the_legacy_class_from_outside_is_reported():
    source = tree(
        """
        import legacy
        from legacy import LegacyClient

        LegacyClient.charge = lambda self, amount: None
        legacy.LegacyClient.refund = None
        setattr(LegacyClient, "pay", None)
        del LegacyClient.old
        client.charge = None
        """
    )
    problems = structural.leaves_class_untouched(source, "LegacyClient")
    assert [p.split(":")[0] for p in problems] == ["line 5", "line 6", "line 7", "line 8"]
    assert "LegacyClient.charge changes LegacyClient itself" in problems[0]


# --- Proxy -------------------------------------------------------------------------------------

SUBJECT = tree(
    """
    class RemoteRates:
        def __init__(self, table):
            self.table = table

        def rate(self, base, quote):
            return 1.0

        def currencies(self):
            return []

        def _private(self):
            pass
    """
)


def test_a_proxy_with_the_same_calls_that_holds_the_subject_passes():
    source = tree(
        """
        class CachingRates:
            def __init__(self, service, ttl=60):
                self.service = service
                self.cache = {}

            def rate(self, base, quote, fresh=False):
                if (base, quote) not in self.cache:
                    self.cache[base, quote] = self.service.rate(base, quote)
                return self.cache[base, quote]

            def currencies(self, *args, **kwargs):
                return self.service.currencies(*args, **kwargs)
        """
    )
    assert structural.same_interface(source, "CachingRates", SUBJECT, "RemoteRates") == []
    assert structural.proxy_wraps(source, "CachingRates", "RemoteRates", ["rate"]) == []


def test_a_proxy_forwarding_with_getattr_offers_every_call():
    source = tree(
        """
        class Guard:
            def __init__(self, real):
                self.real = real

            def __getattr__(self, name):
                return getattr(self.real, name)
        """
    )
    assert structural.same_interface(source, "Guard", SUBJECT, "RemoteRates") == []
    assert structural.proxy_wraps(source, "Guard", "RemoteRates", ["rate", "currencies"]) == []


def test_a_proxy_with_other_names_or_parameters_fails():
    source = tree(
        """
        class CachingRates:
            def __init__(self, service):
                self.service = service

            def rate(self, pair):
                return self.service.rate(*pair)

            def get_currencies(self):
                return self.service.currencies()
        """
    )
    problems = structural.same_interface(source, "CachingRates", SUBJECT, "RemoteRates")
    assert len(problems) == 2
    assert problems[0].startswith("line 6: CachingRates.rate(pair) takes different parameters")
    assert problems[1].startswith("CachingRates has no currencies() method")
    extra = tree(
        """
        class CachingRates:
            def rate(self, base, quote, when):
                pass
        """
    )
    [problem, _] = structural.same_interface(extra, "CachingRates", SUBJECT, "RemoteRates")
    assert "takes different parameters" in problem


def test_a_proxy_that_subclasses_the_subject_fails():
    source = tree(
        """
        class CachingRates(RemoteRates):
            def rate(self, base, quote):
                return super().rate(base, quote)
        """
    )
    [problem] = structural.proxy_wraps(source, "CachingRates", "RemoteRates", ["rate"])
    assert "inherits from RemoteRates, so it is a second RemoteRates" in problem


# --- Facade ------------------------------------------------------------------------------------

FACADE = tree(
    """
    class Shop:
        def __init__(self, inventory, payments, courier):
            self.inventory = inventory
            self.payments = payments
            self.courier = courier

        def place_order(self, customer, sku, qty):
            self.inventory.reserve(sku, qty)
            self._pay(customer, sku, qty)
            return self.courier.book(customer, sku, qty)

        def _pay(self, customer, sku, qty):
            self.payments.charge(customer, qty)

        def lazy(self):
            return self.inventory.reserve("x", 1)

    def good_client(shop, form):
        return shop.place_order(form["email"], form.get("sku"), int(form["qty"]))

    def reaching_client(shop, form):
        shop.inventory.reserve(form["sku"], 1)
        stock = shop.inventory
        return shop.place_order(form["email"], "mug", 1)

    def stepping_client(shop, customer):
        shop.reserve("mug", 1)
        shop.charge(customer)
        shop.reserve("tea", 1)

    def naming_client(shop):
        Inventory({}).reserve("mug", 1)
    """
)


def test_a_facade_method_that_calls_every_part_passes():
    assert structural.facade_coordinates(FACADE, "Shop", "place_order", min_parts=3) == []


def test_a_facade_method_that_leaves_parts_to_the_clients_fails():
    [problem] = structural.facade_coordinates(FACADE, "Shop", "lazy", min_parts=3)
    assert problem.startswith("line 16: Shop.lazy() calls self.inventory, but the job needs")
    [missing] = structural.facade_coordinates(FACADE, "Shop", "checkout")
    assert missing.startswith("Shop has no checkout() method")
    assert structural.facade_coordinates(FACADE, "Store", "place_order")[0].startswith(
        "there is no class Store"
    )


def test_a_client_that_makes_the_one_call_passes():
    problems = structural.clients_use_only_the_facade(
        FACADE, ["good_client"], ["place_order"], ["Inventory"]
    )
    assert problems == []


def test_clients_that_reach_through_step_or_name_subsystems_fail():
    reaching = structural.clients_use_only_the_facade(FACADE, ["reaching_client"], ["place_order"])
    assert [p.split(":")[0] for p in reaching] == ["line 23", "line 24"]
    assert "reaches through the facade into a subsystem (shop.inventory.reserve)" in reaching[0]
    assert "reaches through the facade for shop.inventory" in reaching[1]
    [stepping] = structural.clients_use_only_the_facade(
        FACADE, ["stepping_client"], ["place_order"]
    )
    assert "step by step (reserve() and charge() on shop)" in stepping
    assert "simplifies nothing" in stepping
    [naming] = structural.clients_use_only_the_facade(
        FACADE, ["naming_client"], ["place_order"], ["Inventory"]
    )
    assert naming.startswith("line 33: naming_client() names the subsystem Inventory")
    [gone] = structural.clients_use_only_the_facade(FACADE, ["phone_order"], ["place_order"])
    assert gone.startswith("there is no function phone_order")


# --- Composite ---------------------------------------------------------------------------------

COMPOSITE = tree(
    """
    class Product:
        def __init__(self, name, list_price):
            self.list_price = list_price

        def price(self):
            return self.list_price

        def count(self):
            return 1

    class Bundle:
        def __init__(self, items, discount=0.0):
            self.items = list(items)
            self.discount = discount

        def price(self):
            return round(sum(i.price() for i in self.items) * (1 - self.discount), 2)

        def count(self):
            total = 0
            for item in self.items:
                total += item.count()
            return total

        def names(self):
            return list(map(lambda c: c.names(), self.items))

        def weight(self):
            return self._add_up()

        def _add_up(self):
            return sum([part.weight() for part in self.items])

        def volume(self):
            return sum(getattr(part, "volume")() for part in self.items)
    """
)


def test_a_group_that_asks_its_children_passes_in_every_form():
    methods = ["price", "count", "names", "weight", "volume"]
    assert structural.group_delegates_to_children(COMPOSITE, "Bundle", methods, ["Product"]) == []
    assert structural.shares_interface(COMPOSITE, ["Product", "Bundle"], ["price", "count"]) == []


def test_a_group_that_checks_types_or_ignores_its_children_fails():
    source = tree(
        """
        class Bundle(Product):
            def __init__(self, items):
                self.items = items

            def price(self):
                total = 0
                for item in self.items:
                    if isinstance(item, Product):
                        total += item.list_price
                    else:
                        total += item.price()
                return total

            def count(self):
                return len(self.items)
        """
    )
    problems = structural.group_delegates_to_children(
        source, "Bundle", ["price", "count"], ["Product"]
    )
    assert problems[0].startswith("line 2: Bundle inherits from Product")
    assert problems[1].startswith("line 9: Bundle asks its children what type they are")
    assert problems[2].startswith("line 15: Bundle.count() never asks its children for")
    assert len(problems) == 3


def test_type_checks_on_children_are_found_but_input_validation_is_not():
    source = tree(
        """
        class Bundle:
            def __init__(self, items, discount):
                if not isinstance(discount, float):
                    raise TypeError("discount")
                self.items = [i for i in items if type(i).__name__ != "Hidden"]

            def add(self, item):
                if item.__class__ is Bundle:
                    self.items.extend(item.items)

            def price(self):
                return sum(i.price() for i in self.items if not isinstance(i, Free))
        """
    )
    found = structural.child_type_checks(pyast.find_class(source, "Bundle"))
    assert [line for line, _ in found] == [6, 9, 13]
    assert found[2][1] == "isinstance(i, Free)"


def test_a_leaf_that_keeps_the_answer_as_data_does_not_share_the_interface():
    source = tree(
        """
        from dataclasses import dataclass

        @dataclass
        class Product:
            name: str
            price: float

        class Stub:
            def price(self):
                ...

        class Bundle:
            def price(self):
                return 1
        """
    )
    problems = structural.shares_interface(source, ["Product", "Stub", "Bundle", "Gone"], ["price"])
    assert problems[0].startswith("line 5: Product keeps price as data, not as a price() method")
    assert problems[1].startswith("Stub has no working price() method")
    assert problems[2] == "there is no class Gone yet."
    assert len(problems) == 3


# --- Spy ---------------------------------------------------------------------------------------


def test_spy_records_calls_and_answers_with_values_callables_or_exceptions():
    spy = structural.Spy("drink", cost=250, double=lambda n: n * 2, fail=ValueError("no"))
    assert spy.cost() == 250
    assert spy.double(4) == 8
    with pytest.raises(ValueError, match="no"):
        spy.fail()
    assert spy.calls == [("cost", (), {}), ("double", (4,), {}), ("fail", (), {})]
    assert spy.times_called("cost") == 1 and spy.times_called("missing") == 0
    assert repr(spy) == "<drink>"


def test_spy_names_what_was_asked_for_and_what_it_offers():
    spy = structural.Spy("drink", cost=250, description="espresso")
    with pytest.raises(AttributeError) as info:
        _ = spy.price
    assert str(info.value) == (
        "the drink was asked for .price, but it offers only cost() and description()"
    )
    assert not hasattr(spy, "__len__")


def test_children_asked_through_reduce_count_as_delegation():
    from app.grading import pyast
    from app.grading.patterns import structural

    module = pyast.parse(
        "from functools import reduce\n"
        "class Bundle:\n"
        "    def __init__(self, items):\n        self.items = list(items)\n"
        "    def price(self):\n"
        "        return reduce(lambda acc, item: acc + item.price(), self.items, 0.0)\n"
    )
    function = pyast.find_function(module, "Bundle.price")
    assert structural.child_calls(function) == {"items": {"price"}}


def test_a_group_may_ask_its_children_through_a_helper_given_a_callable():
    """`self._each(lambda item: item.price())` asks every child for its price."""
    found = tree(
        """
        class Bundle:
            def __init__(self, items):
                self.items = items

            def _each(self, call):
                return [call(item) for item in self.items]

            def price(self):
                return sum(self._each(lambda item: item.price()))

            def item_count(self):
                return len(self._each(lambda item: item))

            def add(self, item):
                if hasattr(item, "price"):
                    self.items.append(item)
        """
    )
    problems = structural.group_delegates_to_children(found, "Bundle", ["price", "item_count"])
    assert any("item_count() never asks" in p for p in problems)
    assert not any("price() never asks" in p for p in problems)
    assert any("hasattr(item, 'price')" in p for p in problems)


def test_children_asked_through_a_module_level_methodcaller():
    source = pyast.parse(textwrap.dedent(
        """
        from operator import methodcaller

        ask_price = methodcaller("price")

        class Bundle:
            def price(self):
                return sum(map(ask_price, self.items))

            def item_count(self):
                return sum(map(methodcaller("item_count"), self.items))
        """
    ))
    assert structural.group_delegates_to_children(source, "Bundle", ["price", "item_count"]) == []


def test_a_method_bound_by_assignment_is_not_data():
    source = pyast.parse(textwrap.dedent(
        """
        class Product:
            def _list_price(self):
                return self.list_price

            price = _list_price
            item_count = 1
        """
    ))
    [problem] = structural.shares_interface(source, ["Product"], ["price", "item_count"])
    assert problem == (
        "line 2: Product keeps item_count as data, not as a item_count() method. Callers would "
        "have to know which kind of item they hold to ask it; make item_count() a method on "
        "every kind of item."
    )
