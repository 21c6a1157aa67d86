from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE "category" (
    "id" INT NOT NULL PRIMARY KEY,
    "name" VARCHAR(255) NOT NULL,
    "parent_id" INT
);
CREATE TABLE "customer_group" (
    "id" INT NOT NULL PRIMARY KEY,
    "code" VARCHAR(64) NOT NULL
);
CREATE TABLE "newsletter_template" (
    "id" INT NOT NULL PRIMARY KEY,
    "code" VARCHAR(150) NOT NULL,
    "subject" VARCHAR(255) NOT NULL,
    "text" TEXT NOT NULL,
    "sender_name" VARCHAR(255),
    "sender_email" VARCHAR(255)
);
CREATE TABLE "product" (
    "id" INT NOT NULL PRIMARY KEY,
    "sku" VARCHAR(128) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "type_id" VARCHAR(32) NOT NULL,
    "price" NUMERIC(12,4)
);
CREATE INDEX "idx_product_sku_5ccb1e" ON "product" ("sku");
CREATE TABLE "product_category" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "product_id" INT NOT NULL,
    "category_id" INT NOT NULL,
    CONSTRAINT "uid_product_cat_product_1e30fe" UNIQUE ("product_id", "category_id")
) /* A product's direct categories (no ancestors), as SEMANTICS §2 reads them. */;
CREATE INDEX "idx_product_cat_categor_5791a1" ON "product_category" ("category_id");
CREATE TABLE "sales_rule" (
    "id" INT NOT NULL PRIMARY KEY,
    "name" VARCHAR(255) NOT NULL,
    "description" TEXT,
    "is_active" INT NOT NULL,
    "coupon_type" VARCHAR(16) NOT NULL,
    "use_auto_generation" INT NOT NULL,
    "simple_action" VARCHAR(16) NOT NULL,
    "discount_amount" NUMERIC(12,4) NOT NULL
);
CREATE TABLE "coupon" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "code" VARCHAR(64) NOT NULL UNIQUE,
    "usage_limit" INT NOT NULL,
    "usage_per_customer" INT NOT NULL,
    "times_used" INT NOT NULL,
    "expiration_date" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "generated_by_automation" INT NOT NULL,
    "rule_id" INT NOT NULL REFERENCES "sales_rule" ("id") ON DELETE CASCADE
);
CREATE TABLE "website" (
    "id" INT NOT NULL PRIMARY KEY,
    "code" VARCHAR(64) NOT NULL,
    "name" VARCHAR(255) NOT NULL
);
CREATE TABLE "store" (
    "id" INT NOT NULL PRIMARY KEY,
    "code" VARCHAR(64) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "website_id" INT NOT NULL REFERENCES "website" ("id") ON DELETE RESTRICT
);
CREATE TABLE "customer" (
    "id" INT NOT NULL PRIMARY KEY,
    "email" VARCHAR(255) NOT NULL,
    "firstname" VARCHAR(255),
    "lastname" VARCHAR(255),
    "gender" VARCHAR(8),
    "dob" DATE,
    "created_at" TIMESTAMP NOT NULL,
    "is_active" INT NOT NULL,
    "group_id" INT NOT NULL REFERENCES "customer_group" ("id") ON DELETE RESTRICT,
    "store_id" INT REFERENCES "store" ("id") ON DELETE SET NULL,
    "website_id" INT NOT NULL REFERENCES "website" ("id") ON DELETE RESTRICT
);
CREATE INDEX "idx_customer_website_9edd1b" ON "customer" ("website_id", "group_id");
CREATE INDEX "idx_customer_email_0c7dc6" ON "customer" ("email");
CREATE TABLE "customer_address" (
    "id" INT NOT NULL PRIMARY KEY,
    "firstname" VARCHAR(255),
    "lastname" VARCHAR(255),
    "company" VARCHAR(255),
    "street" VARCHAR(255),
    "city" VARCHAR(255),
    "region" VARCHAR(255),
    "postcode" VARCHAR(32),
    "country_id" VARCHAR(2),
    "telephone" VARCHAR(64),
    "customer_id" INT NOT NULL REFERENCES "customer" ("id") ON DELETE CASCADE
);
CREATE INDEX "idx_customer_ad_custome_fd5ac5" ON "customer_address" ("customer_id");
CREATE TABLE "customer_login" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "login_at" TIMESTAMP NOT NULL,
    "customer_id" INT NOT NULL REFERENCES "customer" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_customer_lo_custome_ef8445" UNIQUE ("customer_id", "login_at")
);
CREATE TABLE "newsletter_subscriber" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "email" VARCHAR(255),
    "subscriber_status" SMALLINT NOT NULL,
    "change_status_at" TIMESTAMP,
    "customer_id" INT NOT NULL UNIQUE REFERENCES "customer" ("id") ON DELETE CASCADE
) /* One row per customer, keyed by customer as the import format upserts it. */;
CREATE INDEX "idx_newsletter__subscri_a59722" ON "newsletter_subscriber" ("subscriber_status");
CREATE TABLE "sales_order" (
    "id" INT NOT NULL PRIMARY KEY,
    "increment_id" VARCHAR(50),
    "store_id" INT,
    "state" VARCHAR(32) NOT NULL,
    "status" VARCHAR(32) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP,
    "grand_total" NUMERIC(12,4) NOT NULL,
    "subtotal" NUMERIC(12,4) NOT NULL,
    "tax_amount" NUMERIC(12,4) NOT NULL,
    "shipping_amount" NUMERIC(12,4) NOT NULL,
    "discount_amount" NUMERIC(12,4) NOT NULL,
    "total_qty_ordered" NUMERIC(12,4) NOT NULL,
    "order_currency_code" VARCHAR(3),
    "payment_method" VARCHAR(64),
    "shipping_method" VARCHAR(64),
    "coupon_code" VARCHAR(64),
    "customer_id" INT REFERENCES "customer" ("id") ON DELETE SET NULL
);
CREATE INDEX "idx_sales_order_custome_890e19" ON "sales_order" ("customer_id", "created_at");
CREATE TABLE "sales_creditmemo" (
    "id" INT NOT NULL PRIMARY KEY,
    "grand_total" NUMERIC(12,4) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "order_id" INT NOT NULL REFERENCES "sales_order" ("id") ON DELETE CASCADE
);
CREATE INDEX "idx_sales_credi_order_i_9e798c" ON "sales_creditmemo" ("order_id");
CREATE TABLE "sales_order_item" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "product_id" INT,
    "sku" VARCHAR(128),
    "name" VARCHAR(255),
    "product_type" VARCHAR(32),
    "qty_ordered" NUMERIC(12,4) NOT NULL,
    "price" NUMERIC(12,4) NOT NULL,
    "row_total" NUMERIC(12,4) NOT NULL,
    "discount_amount" NUMERIC(12,4) NOT NULL,
    "order_id" INT NOT NULL REFERENCES "sales_order" ("id") ON DELETE CASCADE
);
CREATE INDEX "idx_sales_order_order_i_bc2a85" ON "sales_order_item" ("order_id");
CREATE INDEX "idx_sales_order_product_256d64" ON "sales_order_item" ("product_id");
CREATE TABLE "sales_quote" (
    "id" INT NOT NULL PRIMARY KEY,
    "store_id" INT,
    "is_active" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP,
    "items_count" INT NOT NULL,
    "items_qty" NUMERIC(12,4) NOT NULL,
    "base_subtotal" NUMERIC(12,4) NOT NULL,
    "base_grand_total" NUMERIC(12,4) NOT NULL,
    "applied_rule_ids" VARCHAR(255),
    "coupon_code" VARCHAR(64),
    "customer_id" INT NOT NULL REFERENCES "customer" ("id") ON DELETE CASCADE
);
CREATE INDEX "idx_sales_quote_custome_d629e5" ON "sales_quote" ("customer_id", "is_active");
CREATE TABLE "sales_quote_item" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "product_id" INT,
    "sku" VARCHAR(128),
    "name" VARCHAR(255),
    "product_type" VARCHAR(32),
    "qty" NUMERIC(12,4) NOT NULL,
    "price" NUMERIC(12,4) NOT NULL,
    "row_total" NUMERIC(12,4) NOT NULL,
    "created_at" TIMESTAMP,
    "quote_id" INT NOT NULL REFERENCES "sales_quote" ("id") ON DELETE CASCADE
);
CREATE INDEX "idx_sales_quote_quote_i_66afab" ON "sales_quote_item" ("quote_id");
CREATE INDEX "idx_sales_quote_product_7d3849" ON "sales_quote_item" ("product_id");
CREATE TABLE "product_view" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "product_id" INT NOT NULL,
    "store_id" INT,
    "added_at" TIMESTAMP NOT NULL,
    "customer_id" INT NOT NULL REFERENCES "customer" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_product_vie_custome_7e1302" UNIQUE ("customer_id", "product_id")
) /* The latest view of a product by a customer (a later view replaces the earlier). */;
CREATE TABLE "wishlist" (
    "id" INT NOT NULL PRIMARY KEY,
    "shared" INT NOT NULL,
    "customer_id" INT NOT NULL REFERENCES "customer" ("id") ON DELETE CASCADE
);
CREATE INDEX "idx_wishlist_custome_f74b1c" ON "wishlist" ("customer_id");
CREATE TABLE "wishlist_item" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "product_id" INT NOT NULL,
    "added_at" TIMESTAMP NOT NULL,
    "wishlist_id" INT NOT NULL REFERENCES "wishlist" ("id") ON DELETE CASCADE
);
CREATE INDEX "idx_wishlist_it_wishlis_34d2d9" ON "wishlist_item" ("wishlist_id");
CREATE INDEX "idx_wishlist_it_product_afd413" ON "wishlist_item" ("product_id");
CREATE TABLE "api_token" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(128) NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "scopes" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "last_used_at" TIMESTAMP,
    "revoked_at" TIMESTAMP
);
CREATE TABLE "segment" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "description" TEXT,
    "is_active" INT NOT NULL,
    "conditions" JSON NOT NULL,
    "website_ids" JSON NOT NULL,
    "customer_group_ids" JSON NOT NULL,
    "refresh_mode" VARCHAR(16) NOT NULL /* AUTO: auto\nMANUAL: manual */,
    "priority" INT NOT NULL,
    "matched_customers_count" INT NOT NULL,
    "last_refresh_at" TIMESTAMP,
    "refresh_status" VARCHAR(16) NOT NULL /* PENDING: pending\nPROCESSING: processing\nCOMPLETED: completed\nERROR: error */,
    "refresh_error" TEXT,
    "auto_email_active" INT NOT NULL,
    "allow_overlapping_sequences" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
);
CREATE INDEX "idx_segment_is_acti_7a92ef" ON "segment" ("is_active", "refresh_mode");
CREATE TABLE "segment_member" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "customer_id" INT NOT NULL,
    "website_id" INT NOT NULL,
    "added_at" TIMESTAMP NOT NULL,
    "segment_id" INT NOT NULL,
    CONSTRAINT "uid_segment_mem_segment_292263" UNIQUE ("segment_id", "customer_id")
) /* One row per (segment, customer) currently in the segment. */;
CREATE INDEX "idx_segment_mem_custome_1fbbc2" ON "segment_member" ("customer_id");
CREATE TABLE "segment_membership_event" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "customer_id" INT NOT NULL,
    "website_id" INT NOT NULL,
    "change" VARCHAR(8) NOT NULL /* ENTERED: entered\nEXITED: exited */,
    "occurred_at" TIMESTAMP NOT NULL,
    "segment_id" INT NOT NULL
) /* An enter or exit recorded by a refresh; listeners consume these (history, email, live). */;
CREATE INDEX "idx_segment_mem_segment_747edc" ON "segment_membership_event" ("segment_id", "id");
CREATE INDEX "idx_segment_mem_custome_342608" ON "segment_membership_event" ("customer_id", "segment_id");
CREATE TABLE "aerich" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSON NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXVtz27gV/iscvdSZcTO2fEvTTmdkR5u6a0uppWwym+xwKAqW2PCigKQdzTb/vQDvIE"
    "GKkESKpM9LLgAORH4AD84df/YMa450+/WN4qCFhde9t9KfPVMxEPlHpu9Y6imrVdxDGxxl"
    "pnuD1eSome1gRXVI+6Oi24g0zZGtYm3laJZJWk1X12mjpZKBmrmIm1xT++4i2bEWyFkiTD"
    "q+/EGaNXOOfiA7/O/qm/yoIX3OPK42p7/ttcvOeuW13ZrOL95A+mszWbV01zDjwau1s7TM"
    "aLRmOrR1gUyEyevME89PHy941bDJf1TS4GAXRc84jxvm6FFxdSfxvjM5buvJ8mg8lSfDqS"
    "z3BBBSLZOiS57V9l5/QR/hr/3T86vzN2eX52/IEO8xo5arn/5Px8j4hB4+o2nvp9evOIo/"
    "wgM5RtX7O4PrzVLBfGDD8SloySNvA23YEGMbb6gIyF5V0BrKD1lH5sJZUjwvLgqA/G3wcP"
    "OvwcMRGfWK/qRF9r//YYyCrr7fR9GO0V0pGJmOLLR1GZqtdnCwP4VQbvgWplzh8VtiB9OG"
    "maJ+e1bwXM70WH0rb2y2y+gb6RbFVBYeUPSN6MOFvNJyV97LZ7mo31PMQ+Mx3eGgwWZ7sQ"
    "xUJesswkDD8fthoIeFlmGgl+cl+OfleS77pF0s93Rt8hXKumZojsDGTVHtRwYow0JPG72D"
    "07CuEJZV13YsA2FhdNPEAHIaZEczkC27NhLhuSxRfaCetARU9GOlkXcnTyETfsxhu+9IKw"
    "WRDy+HPIXxPKB/Hf6jfdJWAaDT2/vhZDq4/0CnN2z7u+5hNpgOaU/fa12nWo8uUww7mkT6"
    "dDv9l0T/K/0+Hg09NC3bWWDvF+Nx09979JkU17Fk03qWlXkSk7A5bGLWW8WI4i4rHP5fvN"
    "Qs5R5Weavvqsqzl7zgfGzq62AHtmTZg4+lcNWjlZBna5mONLxvNrsFri1LR4rJ3wEFs6S2"
    "w4xMU9UOiFrq/dKvx+M7ZrWvb6cpuevj/fXw4ejUW2YySHMQn+diV0diCmyCor4jrOEaRE"
    "Z/ZQHOovuLhZG2MH9Faw/kW/JEiqnyzqxAAZ0oOrIfgrlahvDPcAuFrTGnwMpzpMkmdxY9"
    "w5GO/F17M5jcDN4Nez8PZBUIJOH3mCj4PZ5xgBlwXGgjCIbKi2hsd2wFzddoO20sODQfrc"
    "BcIGAXTKxC8I3ZHJEiIP3l1wek5wkMqa+6hUuRx3B/VskmR+jZJhzbQXiKjJWueLw7wys5"
    "owoZphmNl50kAXBN4Jrd45qnFycl2CYZlcs3vT5WxLfd2X+RytGx8yFOkIAnsIwn0EE/OA"
    "BPSWuOKTAY3wF0i0wTw89TRk8NMTy6H3x+xVgm7saj9+HwBOY3d+Pr9HZG5C2xLOrZTpFt"
    "BXzDbIE17OsANWQomr4F2hEdwJ0Ld0N83x+wNXc9gSojs4VdhYLaKjEIhLPOCGf2N1fou/"
    "eHV3WsHc79fdp/U0Yy67/Jl8xoH8tdITqrUpmMTMI1becDnCCpEWNbI4otqgfps34JoM/6"
    "uTjTrlQQHNZUzi6+t8zAuJ1BOaJIO+6QqhmK/vqd/3f7JIQCaN8Nb27vB3eECxyfp5wyo4"
    "/3w4fbm6CraQJBUWxxekgZAUEWCjXuDaSA7i+2NNcwUUqlYAIN2dKRaUnUb2I7FrZfHUuK"
    "LU2G94PR9PZmIn11T06Uq75EXam2RMQJ43UvtYwVTM+RYL5E7+6zlhAB+t8/UuLNl2wvBP"
    "vVJeywy1Q2oJchApcox8mc3NLlgU1RAbLNCpaOPdKck4FxV+efCTYdJocuctAbu8NKm6/a"
    "tM9SlGSpySfLwJxvd06RdcEsV7f9WbNlwqO0J872LoxYY+hqjFELuUprQ9T8vBofKwGOki"
    "KrUZ83iepbjzZ/elnGKJUO9kzYpC6zSRnIC6eUA2TEIzNzZoCoTIEt71uEPH7Bw7/A/pom"
    "rHHbz9Y0cURFvjTUxs0/12zCNUxHVgz6l5BRi0O7s3mrUdketRu30ifArvFcUXpmy6TJg0"
    "RzTRwL8zU7r+O4UKuLhoBC1xmFDqK0KkyFbb623GZH4DOa2eQ4ErM+skRgfNyc6RIglsVY"
    "ONnlUzxTyyAum+rC7i4m2+VhOJkSiWlalO5yyGD3Zpp/6pWOwg3KkY8SezdfQkp8KiAjgY"
    "wEMhLISM2OPE2Ypqhyt+NpE+mQLdviuWcNY66G9LNDHMkRXgUJusWHcrLiTaWn8peU+Ofl"
    "AnvhPsfSl54fM19z5M+LP7qFMxx2S21o2idbgxb+qGHbET3EGaIueKtrAFpXxHFO0gDMpW"
    "BeeClOIiDHFN2DuEx2RH5uRCYzYm7NssjSmlA5zjd/eFEhqPYBXORwG0yH6SgJKKa1TYRQ"
    "g4pnhZgUVs+C6KOaQzEi4by80J0kAccBL7yF6v9imCZJoGp2FlLwcYGPq40+rgxb2AO0Zc"
    "2LDWMJZXFNskIGVfIA0ujj3V0ve4DtAdVMlbuObtvk6b2DY5bIdETss3c1lYeoD/zpOoQ7"
    "a7OwFtrOAX4BVHd0rq4CZeH5zq6FMZ53ytOfxOe7azm7fnP/oXN0dQOF6apPGnreEacg/f"
    "s3MlNX0XrW7KWu2c6OSH0KpukSTELOPKYaHX2OGc90GkI6NtHUIn9sBjYuJzlh5u0IZ9vS"
    "BxoKCwWu0IQ8UaJasZIYXa1nNPrJ+qsfvHgfKHjoeuCh6xDMqmWsFHMtgnKCBEAuVyHSwQ"
    "iJFZeNKADicvtYc8Q2cTAe4C0FL0YLwSzbmAIgLndRqmU7osHRSZruwbz/Onxe9nFOjaXC"
    "KgkJqu7hXAbmfJQzIDtIR6tlUN+hLMYMUfcg3n+of1IJzOCcXy+MpQJ35mZ3Zv4NoVu7h1"
    "oIclnPUGqDNfGOKt/3UWD3iZwjJaw+ejR2rzafL2kgvd+h4WfpYpj12n9eevXLaBky0BbH"
    "DybpIHqw0dGDcLDCwQoH63a3miUcTJzzNc8RVepmM9Yntrko9thEEraepRXCUojdsfQNrd"
    "Fcmq2jJlqvmhy6kmasLOxIjxY2FEdyVzbCji1pTrYc9j4nLuPtiV9cJp+B49pQ8brTaW+N"
    "1mOrMY9ndngG7Imh6Hp+4DNvgi4dwWf9q8toW9P/FO3oyf3g7o5TInSpmAsUALRNCgyHfg"
    "+ibMO2O0iylUiyrT8gBOpAZEWtMjJvGM9Tg8R70MWoTt7dzTiE0VxzDGRYPMk10Vsor/q1"
    "+lV2dLXBQF6wK0QC1S8WLrBiEirLUTjCYUER3BQdFMDNFsCFnN0XJ6tEbKw8p0qSdEnYr8"
    "reZmFuLQZhY1vZ1IimwVtW8kjuqyaZ2XzcOdJJtCCbBJNoB9QYoHzMMGIQUuoVUjSTgG8g"
    "k39fW74JK03XPUvWxUkJQ9bFSa4di3ZBxn7lRRAUXiJ5UdxsQNDBimP7D4fLs7YW48s1rw"
    "LA3HhDUF5egvLiruZbLjNLCeb0Jq8yGHxqMfjY7kwc4yQRAFwMsEPOvC0u72LJAOQNu3ip"
    "rVbkJ7dBmkMLcBfDDbfS1ctCKK+Vvztr36SEODpvESfhUQPkxZD7VknVxRiZ6loWzRTLIe"
    "+eXeesjA6Xr8JlsvKUtWcGMxABSsiElqXsHtj7T2uKzj5xwDmkgHiJRDL/Dmjxe3kYMkC6"
    "ySl7TQO6i4kFDcN4H3FWcbHMfI8nY+wMwp52LVLIxE+1065ZXDKNyHvGPgoU3pJ5uoRR5e"
    "5zD7A8F3qIZik3uqyFo+uK76MXH4WVCeuP93vpWSAJ5MuDyxLB0c3x8H5zhWR8f3j3pM3T"
    "fpnbYcioXHnT6zvgdZCNhreaij3B1+3hJABzmq57cO/fk76trRGsjEJWxhXWVM5eLgA4og"
    "Boi6HF1vMWzmOGCiAGL1CD4IaYfYjZb4gVq6kx+/41CRyDQ3R/wiZjw/doYK0x+/FdeBCy"
    "X6+hAcLI925kgAsha74QEuKet1mA1kXEQtzzS1hlz1klq3yNKv+8Z6nqE/ar0p/2fih5AH"
    "3nla0vUFMZKlBQixXUmWIjeat48gwlQF0C6m0zJHjEAHgx4ERv1DVygmJXp6K/UBYfj7Z7"
    "ToiK7suBaLmuR8s1TWXoZLhc00DeR7xcCWPjXmPAPCMixIAJmmPzYsAYNEuZZeuKAQt+DG"
    "LAIAasCZ8uxIBBDFgL4YUYsPbHgAmZFcBKBjFfh4UWYr5eUn3YhrHjLvmgIg2ovNydJAEz"
    "0GYzUBRotKMNKIpsahm8ZQ1AyX3VpFCzD75E+ZuGnnsc60ay+7jIvhFKpk/hyI1XLU2XSN"
    "LJQtuORIkk61FSpGAaeiWSEl+KdKR4I7E/EKOVrqjIvygJKVjXEH6VvXGpgvnLXLmYtrPA"
    "pYsvzOzSNA61/+qqEGm4Z0iJSLOVLJqkg6C3Roui4JcEv2QDxdIG3w/6SbOXumY7PLE06i"
    "uUSZ+To+rLg4DUh5pTH5YKN7+3MEg/JqoxQj9qaW+IPhxjcIx17hjba3hNeDZBhI34WZ8X"
    "ZJPGdPOZX1eQTfx7EGcDBp9GfMFgnQDrhKB1IsnFyn87KSr4eDaLdUmVdEexLqkDtwzksm"
    "JdaoM1yToxWGlT6xsyedJK1FcoqSgrjYgW4bAqpRQQQ+oUQ2oNnWzal11DaKr3zchLxV6K"
    "oMxS7Qfrw27jqkvqqxadIwPxvyfjUY5JLaJIS3ua6kj/k9p9WPGApVgwIl4I6NH94HMa65"
    "u78XVadqMTXDc3NK1pS9EjLzgfm/q6F1XHboMIHrCFQglcV4iY49pbrXuaFoISm6xrYfRE"
    "zqJt1pmlhFVu2ipn9L7DqCYTtKBXCPU4mknYdVyYqpgYVK3xlKmUhdEjwX8p0ycC0ynoLA"
    "eSpCvJ90o+WQbmKfqRs31TZF3I9iri8cPP02JpOmLxd+PR+3B4WsSGIn6HjRCwzLlGH01I"
    "d2Sp6tcfe/94dE2VPoA0czXd0Uz7Nf3Zf/bqX4xKtMpnNLM1J6fmT/66pMiasTD09zqzMF"
    "HowgJb7kp0ffjUsEx7XyZGOuVKSkPTNTKum5T+xs5Rn/Tk6SqCS9EbfJyO30qU8qt5Pxh9"
    "HNy9lYjS4fr5o8K24MsypuC0ypawBF9yMpAtrPGyuwu8/TEJ1JZMH92G4qhLNJdDpiJevr"
    "NgBoA7Dbdntgt5wpZWP5YcTEJNMwnxjhByOjhuTuXF8odIPEuNx8gKETGdLJfgSfJhOHp3"
    "O3r/Vgrov5ofHsY3w8nEb8SWimzba78Z33+4G06H795KqmWsqLN//tUcPjyMH95KCGMLN+"
    "PsCVcheqSyKn2GEJR6caXe+8yQoWj6dso9lx7yAAS0fEXXCfOznhDWFf/6dBuR9ycMixc9"
    "XbgWxTPBqsAFCuA6bst9CrDqVYmTUQpGSQdjQqtDxoxoYhy2LJDUEjgO7725WrgRcrNaGP"
    "3XR2qprWT0hCjl/jCjsw6fUCtjog+SEsTuuHxfdrwlN3q0ZSMeu7E8zdhEEraeicqCpaNg"
    "guOoZMwr8i+MSZO+ljTTqxQTjMkWotlpJm7JmfB9fPd2Jvd4T5nJ19ripTjW/9bvn51d9U"
    "/OLt9cnF9dXbw5iYw72a4iK8/17XsqljGHwmb3O2TVVmVji/1XAsCyRIAr5IS9RHMle8iU"
    "/HRYIvh0NmeEJaLtdkwISwT3tQxinoAZPgCTEMZuLyYfbDSWBjfT2/HoUBlhOeL+JsmVUQ"
    "zKirCxjlJOmB2YEhlL5E8LS+iH5kgYqfTy47lfCDEwSv/dCxGgW8eW6Fq4BqLyqI2ko6VG"
    "a7itjyXPanpMBj4hTs3FCn+nTDwpuz3CjPyUnJQYBPIwyMPN5owgD7cDV3WpmIutA4Ni6i"
    "YHVPeGo+nwgbpmPR7vOWY/33q+Wsrr/Wpaoq7ZMgmi+emhmeRQS/WsKduoJilS0E5AO2nB"
    "moJ2AtpJqXoVCGvqsserVuH3FGofSjwGClW06dMukrKfiP7FTUjKz/tKkDRZUmlS6hf9qA"
    "QQDoZ3EN3Tk5MyUXgnJ/lheLQvk23kcM+nwlSjkATqVAhmRBw0w/nn/wE1CLN2"
)
