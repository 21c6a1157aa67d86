from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "automation_report" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "period_start" TIMESTAMPTZ NOT NULL,
    "period_end" TIMESTAMPTZ NOT NULL,
    "sent" INT NOT NULL,
    "failed" INT NOT NULL,
    "skipped" INT NOT NULL,
    "scheduled" INT NOT NULL,
    "total_active" INT NOT NULL
);
COMMENT ON TABLE "automation_report" IS 'The daily report of the last 24 h, stored so it can be queried later.';
        CREATE TABLE IF NOT EXISTS "automation_settings" (
    "id" INT NOT NULL PRIMARY KEY,
    "enabled" BOOL NOT NULL,
    "progress_cleanup_days" INT NOT NULL,
    "coupon_cleanup_days" INT NOT NULL,
    "rate_limit_per_day" INT NOT NULL,
    "batch_size" INT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "automation_settings" IS 'The one row of admin-changed automation settings (id 1).';
        CREATE TABLE IF NOT EXISTS "instance_secret" (
    "name" VARCHAR(64) NOT NULL PRIMARY KEY,
    "value" VARCHAR(255) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "instance_secret" IS 'Secrets generated for a local installation (the link key without SEGMENTQL_SECRET_KEY).';
        CREATE TABLE IF NOT EXISTS "newsletter_queue" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "template_id" INT,
    "customer_id" INT,
    "recipient_email" VARCHAR(255) NOT NULL,
    "subject" VARCHAR(998) NOT NULL,
    "message_id" VARCHAR(255) NOT NULL,
    "automation_source" VARCHAR(50),
    "automation_source_id" INT,
    "sent_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_newsletter__automat_e7f1b5" ON "newsletter_queue" ("automation_source", "automation_source_id");
COMMENT ON TABLE "newsletter_queue" IS 'A sent automation message, as Maho''s newsletter queue records it.';
        CREATE TABLE IF NOT EXISTS "sequence_send_count" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "sequence_id" INT NOT NULL,
    "customer_id" INT NOT NULL,
    "sends" INT NOT NULL,
    CONSTRAINT "uid_sequence_se_sequenc_7e4ae7" UNIQUE ("sequence_id", "customer_id")
);
COMMENT ON TABLE "sequence_send_count" IS 'How often a customer was sent a step, ever: max_sends reads this, cleanup keeps it.';
        CREATE TABLE IF NOT EXISTS "coupon_usage" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "order_id" INT NOT NULL,
    "used_at" TIMESTAMPTZ NOT NULL,
    "coupon_id" INT NOT NULL REFERENCES "coupon" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_coupon_usag_coupon__690173" UNIQUE ("coupon_id", "order_id")
);
COMMENT ON TABLE "coupon_usage" IS 'One order''s use of a coupon: an order re-imported counts its use once.';
        CREATE TABLE IF NOT EXISTS "email_sequence" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "trigger_event" VARCHAR(8) NOT NULL,
    "template_id" INT NOT NULL,
    "step_number" INT NOT NULL,
    "delay_minutes" INT NOT NULL,
    "is_active" BOOL NOT NULL,
    "max_sends" INT NOT NULL,
    "generate_coupon" BOOL NOT NULL,
    "coupon_sales_rule_id" INT,
    "coupon_prefix" VARCHAR(10),
    "coupon_expires_days" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "segment_id" INT NOT NULL REFERENCES "segment" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_email_seque_segment_0cb7a8" UNIQUE ("segment_id", "trigger_event", "step_number")
);
COMMENT ON COLUMN "email_sequence"."trigger_event" IS 'ENTER: enter\nEXIT: exit';
COMMENT ON TABLE "email_sequence" IS 'One step of a segment''s enter or exit sequence.';
        CREATE TABLE IF NOT EXISTS "sequence_progress" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "customer_id" INT NOT NULL,
    "sequence_id" INT NOT NULL,
    "step_number" INT NOT NULL,
    "trigger_type" VARCHAR(8) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "scheduled_at" TIMESTAMPTZ NOT NULL,
    "sent_at" TIMESTAMPTZ,
    "event_id" BIGINT,
    "attempts" INT NOT NULL,
    "lease_until" TIMESTAMPTZ,
    "last_error" TEXT,
    "coupon_code" VARCHAR(32),
    "message_id" VARCHAR(255),
    "queue_id" BIGINT,
    "deferrals" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "segment_id" INT NOT NULL REFERENCES "segment" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_sequence_pr_sequenc_51f8f6" UNIQUE ("sequence_id", "event_id")
);
CREATE INDEX IF NOT EXISTS "idx_sequence_pr_status_406ff5" ON "sequence_progress" ("status", "scheduled_at");
CREATE INDEX IF NOT EXISTS "idx_sequence_pr_custome_ebe3af" ON "sequence_progress" ("customer_id", "segment_id");
CREATE INDEX IF NOT EXISTS "idx_sequence_pr_segment_e29d0c" ON "sequence_progress" ("segment_id", "status");
CREATE INDEX IF NOT EXISTS "idx_sequence_pr_sequenc_b35e79" ON "sequence_progress" ("sequence_id", "status");
COMMENT ON COLUMN "sequence_progress"."trigger_type" IS 'ENTER: enter\nEXIT: exit';
COMMENT ON COLUMN "sequence_progress"."status" IS 'SCHEDULED: scheduled\nSENDING: sending\nSENT: sent\nFAILED: failed\nSKIPPED: skipped';
COMMENT ON TABLE "sequence_progress" IS 'One step of one customer''s sequence: scheduled, being sent, or done.';
        ALTER TABLE "coupon" ADD "customer_id" INT;
        ALTER TABLE "coupon" ADD "progress_id" BIGINT UNIQUE;
        CREATE INDEX IF NOT EXISTS "idx_coupon_generat_82f205" ON "coupon" ("generated_by_automation", "expiration_date");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "uid_coupon_progres_9611ab";
        DROP INDEX IF EXISTS "idx_coupon_generat_82f205";
        ALTER TABLE "coupon" DROP COLUMN "customer_id";
        ALTER TABLE "coupon" DROP COLUMN "progress_id";
        DROP TABLE IF EXISTS "sequence_progress";
        DROP TABLE IF EXISTS "automation_settings";
        DROP TABLE IF EXISTS "email_sequence";
        DROP TABLE IF EXISTS "coupon_usage";
        DROP TABLE IF EXISTS "automation_report";
        DROP TABLE IF EXISTS "instance_secret";
        DROP TABLE IF EXISTS "sequence_send_count";
        DROP TABLE IF EXISTS "newsletter_queue";"""


MODELS_STATE = (
    "eJztXW1z2za2/isYfak7o3YcO3ZS786dkR019daWXEtpczfpcCkRlrimSAYg4+ju9r9fAH"
    "wnQYqURJqiz4fd1CQOSD0AgfPynIP/9FaWhg3645Xq4IVF1r0L9J+eqa4w+4/MvT7qqbYd"
    "3eEXHHVmiMbzeKsZdYg6d9j1B9WgmF3SMJ0T3XZ0y2RXTdcw+EVrzhrq5iK65Jr6Fxcrjr"
    "XAzhITduPTn+yybmr4G6bBn/aj8qBjQ0u8rq7xZ4vrirO2xbVr0/lZNORPmylzy3BXZtTY"
    "XjtLywxb66bDry6wiQn7OVrs/fnr+T81uOS9KrvgEBeH76hFFzT8oLqGE/u9MyW61lOU0X"
    "iqTIZTRelVQGhumRxd9q5U/PwFf4UfTl69fvP67en567esiXjN8Mqbv7xHR8h4ggKf0bT3"
    "l7ivOqrXQoAcoSr+zeB6tVSJHNigfQpa9srbQBtciLCNJlQIZK8uaFfqN8XA5sJZcjzPzg"
    "qA/H1wf/XL4P6ItfqeP9Ji89/7MEb+rRPvHkc7QtdWCTYdpdLUTchsNYP9+VkJ5ZZPYb4q"
    "PDzGZjC/MFPnj08q0ZTMHevEymubvbU6WaWvqKa6EEDxX8RfLlgrXepYK0zeE8u1pYtpok"
    "Hxiuo3VRZhW1hXD2pSFq2rczbgVdbVoH1z62qd4CZW1vPXJRbW89e56yq/VWkFiI2C/43R"
    "7FBc+qI//3qPDVX8wiz8qa/6AIfir2CiBVf97+yvOpfJEX6iBnYcTKZ4ZTN0sWytlLQqXD"
    "DNsL3ixAVg1YRVs3ur5quz4xLLJmuVu26Ke0l9lLqzf+O5UwXimAjo/GV0fgd/kwA8ZVfl"
    "AAftO4BuAZjT4ccp73lF6RcjjuHR7eCjgHe19u/cjEfvg+YxzK9uxpfp6YzZryRKVRs2Jb"
    "YV8G2zseqf1z5qeKXqxhZoh3IAdy7cLbFy74iluUKhyuhswa1CRc2ONQLlrDPKGX10K333"
    "XvO6trVGkU1qZidvy2hmJ2/zNTN+L7m6gh+2Vp2MdSL1wuYDHBNpEGOqM8MWN4P06UkJoE"
    "9PcnHmt1LubqLPJbP41jLxOsfZHUikMNbwXF+pxo/vvH8PT0MogPbd8Or6dnDDVoG+5/Ri"
    "eq/ueOB+uB3eX1/5t9qmEBRFEdNNyigISqWgYm+AfLnvKNJ0woxS5HegY4qOTAup5hxTxy"
    "L0+z5SKZoMbwej6fXVBH12j4/VNyeIYFWjiKkTqx97qWGsoXuJBvMp/O3e0hIgwP/8M6Xe"
    "fMrebU7b8T+nF6vsJIepbOguIbQflfK5LZ294Bzz8MWmdHlgU1KAbLvCohPVwPTeNaRu/u"
    "hm4Z5AeTOFBO3AbjyoiVi0lLbftDk8T1F8SY2/WQbmfL9zSqwLbrmm/c86VdgapX+VTO9L"
    "yzKwauYsHXG5FPAzJljXPA9WlWahvxyPbxLQX16nsf1wezm8P3qVsoYk2oPl2gFWFVaUlF"
    "iD9rzJTN9mrPlX52WcUuf5Pqnz9LriUqyormMpPjLS9aVwnuf00OCMD68c7JT3PEJivZDh"
    "X+B/TQs2OO1na8XGZI49begQJ7+mU7ZqmI6irvg/lZxaEtmd3VtbjcNx8zO/HudWegfYlc"
    "8lOjlAbfJZ2FwTxyJyy07c6BdadWETMOg6Y9ABS2vP3FYIBDZlKz/hGWXbUTXvY1IInI95"
    "zscMzFmMf2bbgb4wf/VVp2v2Ujyqkr9V/xH1dGAQ5+3V7DJRn8LNKjW7GALsd2NPY7ofTq"
    "ZMY2Jgt5Ps3k73T7PaUTBBJfpRbO7ma0ixTwV0JNCRQEcCHandzNOYa4obdzvuNqENeWBT"
    "PHevSbirIf3sObbkEK+CBN3iTXkeb1Xnrvwppf6JXGBB9+mjTz2PM98w8+fFb92VMxx2S2"
    "1o2yfbgBX+oBPqVN3EE0JdiFY3ALShVsc5LgMwl4J5IVKcqoAcSXQP4jLZEfm5EZnMCM2a"
    "ZZF9x7DJCb55zdMBN9be0Vf4R00t5UxqGcBFAbfBdJhmSRDMf5miSsKW73wgcqzQhGQRhv"
    "w/DnBzK2IIXd8OJ9PB7V0icM/h5XdOxNV16upROqQcdoL+uJ7+gvif6J/j0VDAaVFnQcQT"
    "o3bTf/b4OwmWhGk9KaoWxyS4HFwC9tFzUjFC5by80h0XgcCBjN7C7f9qmMZFoD5WFlKIcU"
    "GM6xBjXJllYQ/QlnUvtmxJKItrfClMoMpeAI0+3Nz0shvYHlDNVLnr6LSN7947BGaZTsfU"
    "PrqrqzxAfeB11yHckz4La6HvTPDzobrhfXUVKItoO4cWxkTrVKQ/js8X13J2/eZ+4310dQ"
    "IF6apfdfy0I05++vfvrKeuovWk06WhU2dHpP7wu+kSTJWCeYlqdPw9ZjLXaQDp2MRTi/3f"
    "ZmCjcpKTRL8dWdm2jIEGykJBKDSmT5SoVqzGWtcbGQ0f2Xz1gxcfA4UIXQ8idB2CeW6tbN"
    "VcV0E5JgIgl6sQ6RCMqxWXDSUA4nLzWHeqTWK/PcBbCl6CFxWzbCMJgLjckSgWdaqSo+My"
    "3YN5/3X4RPZxTo2lwioJManu4VwG5nyUMyA72MD20q/vUBbjhFD3IN4/1T9uBGZwzq8Xlp"
    "SCcObmcGac8ryn8NABglw2MpSaYIng0NVgcjV4NyyKDTXBfvdiHwV+nzA4UsLrY4Rt9+rz"
    "+ZQGUjyH08/SxTCb9f+89OqX4TBkoC3mD8blgD3YavYgbKywscLGut2pZrEAk2R/zQtElT"
    "rZLBkT21wUe2xiRKwnZGOCAuz66BGvsYZm6/ASr1fNNl2kr2yLOOjBIivVQa5NMXEo0p1s"
    "Oex9dlwm2hP9cIV9Bo5LoeJ1p9PeWm3H1uMez8zwDNiTlWoY+cRnWQdd2oJPT96ch9Oa/1"
    "E0oye3g5sbSYnQpWousA/QNikwEvk9qLItm+6gydaiyR78BlGhDkRW1Sqj8wZ8ngY03mcd"
    "jPr03d2cQwRrurPCK0umucbuFuqrXq3+ebJ1vWQgQXYFJlDzauGCqCaTshxVohwWFMFNyU"
    "EB3GwBXMjZfXG6SriMlV+p4iJdUvbr8rdZRFqLobKzrWxqRNvgLat5xOdVm9xsHu4S7SQc"
    "kE2KSTgDGiQo9xMLMSgpzSopusnAX2FTfl5bvgsrLdc9T9bZcQlH1tlxrh+L34KM/dqLIK"
    "iyRPIi3qwv0MGKY/unw+V5W4vxlbpXAWAp3xCMl5dgvLi2tuUwJyXBnd7mUQaHTyMOH+rO"
    "qmMcFwKAiwF22J63xeFdSTEAecMsXuq2zR65DdISWYC7GG44la7ZJYSvtcoXZ+25lLDE5i"
    "1aSWTSAHkx5J5Xcu4Sgs35WqmaKZYj3j2/zmkZGy7fhMtk5alr4QZbYQZUJRdaVrJ7YO8/"
    "rSnc+6oDLhEFxEskknlnQFc/lychBki3OWWvbUB3MbGgZRjvg2cVFcvMj3gmnJ0+7WnXIo"
    "UJ/tRh+jWLS6YxfW+1jwKF16yfLmFUe/hcAJYXQg/QLBVGV/SgdVP8Pn7wUVCZsHm+30vP"
    "AokhXx7cpBBs3ZII76NbScf3mndP23x1UuZ0GNYqV98U957xOMhWw1tPxR7/6xY4VYA5Ld"
    "c9uPcfSd/W1whexkpeRpvoc8lcLgA4lABoi6El1tMWweOEFEAMUaAWwQ2cfeDst8SL1VbO"
    "vndMgsThEJ6fsMnZ8CVs2ChnPzoLDyj7zToagEa+dycDHAjZ8IGQwHveZgAOjhELvOeXMM"
    "oiWKXM5RZV/n6flGpO2a/Lftr7piQA+iIrW19gpiakwEAtNlBnKsXKVnzyjCRAXQLqbTMk"
    "ZMIAeDHgzG40dLaDEtfgqn+lLD6ZbPeCEDWdlwNsua6z5dpmMnSSLtc2kPfBlyvhbNwrB0"
    "w4EYEDVtEdm8cBS6BZyi3bFAfMfxhwwIAD1oZPFzhgwAE7QHiBA3b4HLBKbgXwkgHn63mh"
    "Bc7XS6oP27LluEsxqNACKq93x0XADbTZDRQSjXb0AYXMpgODt6wDKD6v2kQ1u/M0yt91/N"
    "STeDfit/tF/o1AM/0atNx41NJ0iZHBBpo6iAsh6wGpyO+GH4mkRociHamiJfEaEmwb6hx7"
    "ByVhlRg6Jt9nT1yqof8yRy6m/Sxw6OILc7u0bYXaf3VVYBruGVKm0myli8blgPTWalUU4p"
    "IQl2yhWtri80H/0OnS0KkjU0vDe4U66VO8VXN5EJD60HDqw1KV5vcWkvQjoQYZ+uGVw6Xo"
    "wzYG21jntrG90muCvQkYNtX3+jySTRrTzXt+UySb6HnAswGHTyu+YPBOgHeioncivoqV/3"
    "ZSUvDxbFbr4ibpjmpd3AY+MJDLqnWpCdYm78TA1qfWIzZl2kp4r1BTUW2dqRZBszq1FFBD"
    "mlRDGqVOtu3LboCaKr4ZZanSZRWUk1L7wfp5p3HdJfXnFu8jA/E/JuNRjkstlEhre/rcQf"
    "9Fh71ZyYDlWCRUvADQo9vBxzTWVzfjy7Tuxju4bC81rW1D0WM/UBubxroXVsc+BBXcXxYK"
    "NXBDZWqOS7ca97QskBLbbGsR/JXtRduMc1ISRrlto5yx+57HNBl+xaZzxaB1V/KT35MN+k"
    "VGCuZNhaEWtt1I7Bsg/jwN8cUaE867W+HVDBN+0g4SHVJ0xLl11J2FgmhGLFWbs5UMkz7C"
    "K1U3EJ0vseYabMpI6H21POWz+dn8FzO8iaOoD6yN4v1+XfsX0j0+oImfOKNQXEdPS2yKqw"
    "FA6Eml6EEnrAXBC50/BmsXn02KFyvxRrqDmA6KTAvNXUItgh7Y/9bYQSrB4qegB2KteJ+E"
    "IUstzlIM+hb+NOSwa59N4pome2OkczeB4YUkEBsViti/T0uVP8a2sUnD/kx2p88e7PAWa6"
    "wSyjFb6pybtc5jN5Y1JJ/X5umgHl5U6C87OyUBK31RwMaT99Al/91PJyenp29Ojk/P3569"
    "fvPm7O1xaOZnbxXZ+5fX77nJnxiurIs8+ti32tZTwqC5t2Wrz9PcW7LTT7xtRbbHB7cKd3"
    "caa1RvmDRRE5PgBwb/UuFvBEFS8E4+015dS2Z3/M0yME/xt5zpmxLrQl530RI//Dgt9puF"
    "K/zNePQ+aJ52pkG53uflAlqmpvNXq+QlTko17ynu/f3BNeeeMejqhsMsqB/5Y/+n1/xg1O"
    "I/fsIzqjs51f3yxyUl1o6B4c/rzMCEJMUFsVy76vjIpWGY9j5MCe1UqikNTXeVIWmkTLpk"
    "H81pT8JWqTgUvcGH6fgCccnP5u1g9GFwc4GY0eF6lSIqR33PywR90xZbLOZ7Lqk1YhFdVs"
    "elgNcXiUAV6fTWvVId7vVUgkWleqHugh4A7jTcIkAXrAlbxveS4hD8aVvwR7aFsN3BcXNq"
    "LJffRKJeGtxGbMzUdDZcFXeSu+Ho3fXo/QXy5T+bd/fjq+Fk4l0k1hxTKq5fjW/vbobT4b"
    "sLNLdWNqf1aZ/N4f39+P4CYUIs0o69JxiF8JXKmvQZQTDqqxv14jMTcbrtjHupPGT8VbDy"
    "VcNgi5/1FRNDtW32PgrF7PezBUuWJ1U4FsU9wajAUUkQajqUk5Ng1OtSJ8Nky5IBxmh6+G"
    "QdQSzZMYnVDx96TCHR4QHOidxU1oQp7LGG9gLXreir40gtddujjewTM96rmGxdBc/TQYtU"
    "pwrQDXlnE7+vriIWYKUwq5GvpjtPN6+7u1hvXYGtAY5JfCfIp5uk9ouNzBMlvmUJiY3s0l"
    "+sJ3aLIMuM0S45p5JJYY2TG/kdv//vaIIKyh1pPnVT1zwupqkZWJPQS+t5DOeX3rGOfDnE"
    "Jt+S/emwBmhhWDPVuEC+3wALfqamPzxgwpuGFNK5tVqxPi3X4Q107bMpjrHuo5krnkrW6I"
    "nojseJlb7k0mIDzx/qxO4Z1vzRY5yGdNVIYobZUzH6qlOdDSDSTf7DxGMR+2milKZgs5r8"
    "+Yg+6jYnouKCopkxRnEwF3atmFnEeewYPagRemM+iSg+emWJRHGZDpKJ9p+AJ7z+2zF8M6"
    "JA7d2a2gs2d/6AdMvmTiqf4Z6UGfV8Yn1CqEvfXF3lMGIE5CTGlathxPjOBwZx2WIYydnV"
    "ploYSe9HvnUQuUc2GwarqO1Gk2DMlFzC9HWbl3L3O+iH1d2/58opV6GNNVdcRUqY1yar9e"
    "/Uk1TRTY5apkzonoqIgurbmOoLBTBrIslEBNQKwCaFAFco3/YS+UagrYK2+ozaavACZdXV"
    "0RgNrqbX41ErFNYo9LRJc00EqcqqsFG8rJwyOzARa8u9twThbzovJDDnnlbNO7PI9w7/TX"
    "D8+dShgXua66MUoyM/pd8vb9BnDb9iWf2E+p5TJiE0OT2C4rkpPSntGQZ9GPTh1q6MoA8f"
    "Bq7zpWouts7siaTbHMToDUfT4T3nVos1XjCrP14LsjVf672DL6qGOMrUcsyv5Jip42jNhT"
    "dlG9MkJQrWCVgnBzCmYJ2AdVLGOrmyXNuSFpb27xRaH/OoTb0lXcKpoczWCl8AViEDC3+z"
    "dSL+UvgaDDVemq3xMs/NXM6jZuwzS7mD1dhibADKvlnF0Fd6lWTZlFRzu9mrVs/gNKw2Mw"
    "jzz73agG5aGEBOg8xVYSrqBFcANykEqd1pUNNbXQbZYktGIg6p3W02ZiDxLv/TOkw6WJnE"
    "uwJdt0ICbEEvkPx6EIeQtmxh3fdmFmTaVCYcpwT3gm0bTLSmywi7RkV/f0wCfGSbfWQcrn"
    "04yFQD03u/rwNDuCzdNDaztj9OV5hmOybueU6vD7ynDsFda85eHLJcN2KI6CZfouKGLUtR"
    "cUVe2HcUMaORp6DxEwx4NxdINf2cMYJ/0Fe2RXgmnSgbxg9G8AXYhyfn5e6n25xsNPE7/d"
    "nO+4JktJZtkvneznC8yu+acRHYNqX+uO0ynvZ6BlXrQO6ufZtYAMvaU3EZ+Io2K59RZG5H"
    "9TMKAx4YwGV1z+R+3KJMp0HotLnHXNGQaVeZNoUqVuQGUkjUfKOeNV1ipKm6sUaeFNeIwt"
    "IDJ6/Rso84O5MpQtTiFQjmTEmaYcRmAdHZRaZzY5JVs/bWK5xJ3LKIMHitX+CubrPP0tIU"
    "cd5X1XFPy3Zw5A9kpEuFpfzhwqZk9Sw10L4kDHOrh5lKCX4FJMqmK7K3fo+MsHxgik4lKk"
    "QkAHhK8ORVn+xKgMYkAFEZot7JtNUwjcsAqjIalOWo+dXE84lQKTHANs/j8dym+QQ7DvvR"
    "9F5sogX2ebxhv6SRTn2Z8ma65dcU4TELbaWbP3gpRBqKekVBr+hI19ArSbbmLh21zRhvP4"
    "m4Zmscm/xny4JGReyhmBScUlieLBRSU+YcWtdWNHUtiUhvprak5ZvbAH46FDKs77fdEukc"
    "6eZwPj0UnPkP99IJBO2dIVUBZrlwcyifHQjIM37CmUL1/6uiJSaFGsxBOD6UuQv1NPOhPk"
    "xXtMRzVfUMizoNg2SxfIlBkKmmn28IJKv4l7MBOHeJOtj2SEux0tqJ6itBn3LuU0X5EpUI"
    "WfeLBVv+w8o0/BGK6YqqizsxnyBYt6N5kBmabB7n5joVmU4aPDtQzMxeNfS9ihV+vQqvWo"
    "VXqyL9PeSMSZ2VKhy8snlsuxo/JiUF/iKZhzO26JRHNiUFyEqQZVuXulZWuuk6MgJ2LrYZ"
    "OUj5TEOr0+3OokzIgQunvAuHr+0Um1qVeZyQgVzwNKTBb1fySImlEhlj0pDAWCWB0fN0UZ"
    "5GpFRP+soTh5TGXKhtgh/0b3JluhDkSLALxzenDss+LqEnvzrOPyz7OK0p+6CJqgZsbm7n"
    "AE5LgwMYjv/tvBMNjv99iaOe5zqF8on1rKEF2TlQPrELRxEFozPBbKOTpuekWvSL3P2635"
    "ZZkmHjjf5+r2OKwrFHDxZBKj9gUzWQ6NLwct7900J18/EHymYYGxn0iNfoSWezynXQZPj+"
    "djia/nbDxvXqng3tr8P/lVCDGnjeDgwi8W8FtTtoD7UIU8p2UIswP27wVTXcSliHAm0uZb"
    "0l3CdnZyXwZq1yARf3QO3utgKWp3a3JHY9wk+U7awOJr+52JVGr9NNCjc0M2ysfAlbbz6S"
    "BPFEkjjNdIUprwnSRypFt+rS+o6iqGskuvbPE+ElOCSHj+yjxzJFiuPMXcslfsw+fREOGG"
    "lveY/nC762zXe3bx8SVNGriZ2J57qtc/tI0IWqaGQSUdDNyulm1J39G89z+DI5TpJIpIMo"
    "//RTGRoMa5WLsriXCsV627R0zcgHOinVQaxrmdFS3aUs5FLh7oWwzsqEsM7yQ1hnmRCWVD"
    "ksvz/micNGKWF/8Y2uui0dE+ugIX0ghrMkctEqyzngc9/56Vs9iemcadMvPtbTa63Y8eaV"
    "6N88gzNQoJmBG/R4gcKs7T6aYe6XpeLgeYsgjckUc8J36TSHKO7/UG/lEgxi+YH11FEdV+"
    "AQPot/mH9uOMqT306GEPyO/DuJxwe3wDxvpXkO53/WtzsmvoPSgd+EFCALrPMma2v4WScC"
    "Fam1Uj5zJeijzeZim7NWos15m1GIpBtMHEoUr6kyDJOrX4bvPtzw823DPj6bk+Ho3fXo/Q"
    "VXfDQ2DuLKVPzpfDZ/HlwLAa+sE7v36/XdneghKktUmVF5XoZRmVbJY4zK88woxhWrqoZS"
    "ShaspdZZS60zh1vmcujS+IaGVCVzJS7VISdSwyfrqA6PCDpV2OhxEUiCSwNqYJVixTUdWY"
    "CreMFKicKi1eZFi5f+VjAhlsRUmuJvOd9OUqoLYYeiMR1+nCaGM9Dnjm4HH79PDOnNePQ+"
    "aB7T/65uxpc5pZQqH+WcEOsC8kkN+/SkhIZ9epKrYfNbLQlpthrnWiKagsZVWQOKS4EGtK"
    "0GxH4GW5BVo1oxgJgM6ECQhfdS6cCQhdflUYcsPMjCaxHEh5+FFxArJtjUrvhBnL0C9kXU"
    "qF+KfsGd+co8FNhIwPhFlMx2sMmPDPXjzuhJpX4KguBR9BH+iskFCqvGIL6SUeQsddpHfk"
    "Va9IixLc9nqOkZZegZ8VA6nFjaItU7nzMBkf3u5TR0Hdmq9beeofZWm83GlrAiB5jo86Vs"
    "N/bvFG7BatRm066bD27bTqM4kC2rtmqzTCehuqwCXEHeeCTSZnJOmzyf/KOqgLDfvIPovj"
    "ouV3SsqOqYpOyY6Uitxn9MxqO8QEkoknbE6HMH/RcZOj3Efb8AXA5GcZwqHZLqJ90ovIPL"
    "597M/vp/UR2Byg=="
)
