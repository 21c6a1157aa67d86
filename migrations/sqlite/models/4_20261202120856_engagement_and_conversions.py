from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "sequence_conversion" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "order_id" INT NOT NULL UNIQUE,
    "progress_id" BIGINT NOT NULL,
    "sequence_id" INT NOT NULL,
    "segment_id" INT NOT NULL,
    "customer_id" INT NOT NULL,
    "grand_total" NUMERIC(12,4) NOT NULL,
    "source" VARCHAR(8) NOT NULL /* CLICK: click\nCOUPON: coupon */,
    "converted_at" TIMESTAMP NOT NULL,
    "created_at" TIMESTAMP NOT NULL
) /* An order attributed to one progress row (the last touch before it). */;
CREATE INDEX IF NOT EXISTS "idx_sequence_co_progres_3b3746" ON "sequence_conversion" ("progress_id");
CREATE INDEX IF NOT EXISTS "idx_sequence_co_segment_09be38" ON "sequence_conversion" ("segment_id", "converted_at");
        CREATE TABLE IF NOT EXISTS "link_click" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "url" VARCHAR(2048) NOT NULL,
    "first_clicked_at" TIMESTAMP NOT NULL,
    "click_count" INT NOT NULL,
    "progress_id" BIGINT NOT NULL REFERENCES "sequence_progress" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_link_click_progres_85f41e" UNIQUE ("progress_id", "url")
) /* Clicks of one link of one sent message: when first, and how often. */;
        ALTER TABLE "automation_report" ADD "revenue" NUMERIC(12,4) NOT NULL DEFAULT 0;
        ALTER TABLE "automation_report" ADD "opened" INT NOT NULL DEFAULT 0;
        ALTER TABLE "automation_report" ADD "clicked" INT NOT NULL DEFAULT 0;
        ALTER TABLE "automation_report" ADD "human_opened" INT NOT NULL DEFAULT 0;
        ALTER TABLE "automation_report" ADD "converted" INT NOT NULL DEFAULT 0;
        ALTER TABLE "automation_settings" ADD "click_tracking" INT NOT NULL DEFAULT 1;
        ALTER TABLE "automation_settings" ADD "attribution_window_days" INT NOT NULL DEFAULT 7;
        ALTER TABLE "automation_settings" ADD "open_tracking" INT NOT NULL DEFAULT 1;
        ALTER TABLE "email_sequence" ADD "stop_on_conversion" INT NOT NULL DEFAULT 0;
        UPDATE "email_sequence" SET "stop_on_conversion" = 1 WHERE "trigger_event" = 'enter';
        ALTER TABLE "sequence_progress" ADD "open_count" INT NOT NULL DEFAULT 0;
        ALTER TABLE "sequence_progress" ADD "revenue" NUMERIC(12,4);
        ALTER TABLE "sequence_progress" ADD "human_opened_at" TIMESTAMP;
        ALTER TABLE "sequence_progress" ADD "converted_at" TIMESTAMP;
        ALTER TABLE "sequence_progress" ADD "clicked_at" TIMESTAMP;
        ALTER TABLE "sequence_progress" ADD "click_count" INT NOT NULL DEFAULT 0;
        ALTER TABLE "sequence_progress" ADD "order_id" INT;
        ALTER TABLE "sequence_progress" ADD "opened_at" TIMESTAMP;
        CREATE INDEX "idx_sequence_pr_coupon__f8d093" ON "sequence_progress" ("coupon_code");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_sequence_pr_coupon__f8d093";
        ALTER TABLE "automation_report" DROP COLUMN "revenue";
        ALTER TABLE "automation_report" DROP COLUMN "opened";
        ALTER TABLE "automation_report" DROP COLUMN "clicked";
        ALTER TABLE "automation_report" DROP COLUMN "human_opened";
        ALTER TABLE "automation_report" DROP COLUMN "converted";
        ALTER TABLE "automation_settings" DROP COLUMN "click_tracking";
        ALTER TABLE "automation_settings" DROP COLUMN "attribution_window_days";
        ALTER TABLE "automation_settings" DROP COLUMN "open_tracking";
        ALTER TABLE "email_sequence" DROP COLUMN "stop_on_conversion";
        ALTER TABLE "sequence_progress" DROP COLUMN "open_count";
        ALTER TABLE "sequence_progress" DROP COLUMN "revenue";
        ALTER TABLE "sequence_progress" DROP COLUMN "human_opened_at";
        ALTER TABLE "sequence_progress" DROP COLUMN "converted_at";
        ALTER TABLE "sequence_progress" DROP COLUMN "clicked_at";
        ALTER TABLE "sequence_progress" DROP COLUMN "click_count";
        ALTER TABLE "sequence_progress" DROP COLUMN "order_id";
        ALTER TABLE "sequence_progress" DROP COLUMN "opened_at";
        DROP TABLE IF EXISTS "link_click";
        DROP TABLE IF EXISTS "sequence_conversion";"""


MODELS_STATE = (
    "eJztXWtz2za6/isYfak7o3ZsJ05anzNnRlbU1FvbSm2lzdlkh0uJsMU1RTK8RPHZ7X8/AH"
    "gnQQrQhQaZ98NuahIvKD4A8d4evPj3YOUY2PJ/HOsBfnC8p8E5+vfA1leY/Efl3hANdNfN"
    "7tALgT63WONFvtXcDzx9EZDr97rlY3LJwP7CM93AdGxy1Q4ti150FqShaT9kl0Lb/BxiLX"
    "AecLDEHrnx8R/ksmkb+Cv2kz/dR+3exJZR+LmmQZ/NrmvBk8uuXdrBL6whfdpcWzhWuLKz"
    "xu5TsHTstLVpB/TqA7axR17HyP1++vPiV00uRT+VXAi8EKe/0cguGPheD60g975zLbs20L"
    "Sb6Uy7m8w0bSCB0MKxKbrkt/rs9R/oT/jh9OTl65c/vXj18ifShP3M9Mrrv6JHZ8hEggyf"
    "m9ngL3ZfD/SoBQM5Q5X9W8F1vNQ9PrBJ+xK05CdvA21yIcM2m1ApkINDQbvSv2oWth+CJc"
    "Xz7KwByD9Gt+NfR7dHpNX39JEOmf/Rh3ET3zqN7lG0M3Rd3cN2oElN3YLMVjM4np9SKCs+"
    "hemqcP+Ym8H0wlxfPK51z9Aqd5xTp65t9dbqdFW+otv6AwOKvhH9cclaGfqBs8LeW88JXe"
    "5iWmjQvKLGTbWHtC2sq52alE3r6oIMuMy6mrRvb109JLiFlfXVS4GF9dXL2nWV3pJaAXKj"
    "EH9jfnUoLmLRX367xZbO3rAKf+mr7uBQ/JVMtORq/J39dchl8gavfQsHAfZmeOUSdDFvre"
    "S0alww7bS9FuQFYNWEVbN/q+bJ2bHAskla1a6b7F7RHvXD+b/wIpCBOCcCNr+IzR/grxyA"
    "Z+QqH+CkfQ/QbQBzNvkwoz2vfP+zlcfw6Hr0gcG7eorvXE1v3ibNc5iPr6YX5emMyVt6mq"
    "wPWxLbCnjVfKzDz+sYNbzSTWsLtFM5gLsWbkW83HeeY4TMoKrYbMmtRkPNzTUC46w3xpn/"
    "GEp991HzQ6m1VpEtWmanP4lYZqc/1Vtm9F5xdYU47EFtMtIJNwpbD3BOpEWMfZM4trgdpF"
    "+cCgD94rQWZ3qrFO72zAVnFl87Nn6qCXYnEiWMDbwwV7r145vo3+5ZCA3QvpmML69HV2QV"
    "GEZBL2L3mkEE7vvrye3lOL6lmkHQlEUsNxExEDSppOJghGK573xkmB5xSlHcgYl9dGQ7SL"
    "cX2A8cz/9+iHQf3U2uRzezy/Ed+hQeH+uvT5GHdcNHxJxY/TgoDeMBuudYMB/Td4+WlgQB"
    "+uc/SubNx+rd9qyd+HP6Zo2d4jCJpu4KQvsxKZ/b09kLzrkIX25KiwNbkgJk1UqL3ukW9m"
    "9Dixvmz2426gSfNtO8pB34jZ2aiE1LqfquTfciRfklNf/LKjDXx51LYn0Iy7UdfzZ9jaxR"
    "5hfO9L5wHAvrds3SkZcrAT8ngoea58mq0i70F9PpVQH6i8sytu+vLya3Ryclb4hjPTihm2"
    "AlsaKUxFr0523i+rbjzZ+8EglKvaqPSb0qryuhjzU9DBwtRoa7vjTO85oeWpzx6ZXOTvko"
    "IsTWCx7+DfHXsmCL037+pLnYW+DIGuri5DdMn6wadqDpK/qPVFCLI7tzeGurcThuf+YfJr"
    "hV1gC78rlYJx20Jp+FzXUXOB7fs2M3ho1eXdoEHLreOHTA0toztxUSgW35yms894k6kos+"
    "FoUg+FgXfKzAXMX4F6IOzAf7t9h0uiQ/imZV6lX1n1lPHYO4TleTy56+TpVVaXYRBMh748"
    "hiup3czYjFRMBWk+yuZvinXesomaAc+yg3d+stpNynAjYS2EhgI4GNpDbzNBeaos7djtom"
    "9SE7NsVrdU0hXA3bz55DJad4NWzQbVbKi3yrQ2rljyXzj+0FZnSfIfo4iDjzLTN/vnnVLb"
    "3DYbetDap9si144fem5weySrwg1IdsdQtAW7o8znkZgFkI5ge2xUkG5EyifxCL7I6o3xtR"
    "2RlhOPMqsm8INjXJt6h5OeFG2gfmCv9o6ELBJMUAbkq4jWaTMkvCw/TNNJ2TtnwTA1HjhR"
    "YkmzCk/9FB5dbEELq8ntzNRtfvCol7Ci+9c8quPpWuHpVTymkn6M/L2a+I/on+Pr2ZMDgd"
    "P3jw2BOzdrO/D+hvYiwJ21lrupHHJLmcXAL20XNSMVLjXNzozotA4oBHb6H+vxymeRGoj1"
    "WFFHJckOPqYo6rsizsAVrR8KJiS4IorvmlsIAq+QHo5v3V1aCqwPaAaqXKXU+nbV5775CY"
    "JTYdMfv8XUPlCeqjqLse4V6MWTgP5s4EvxiqK9pXX4FyPGPn1MLUM3qV6c/j8zl0gl2/ud"
    "9pH32dQMl21S8mXu+IU7z9+w/SU1/RWpv+0jL9YEek/oy76RNMUsm8QjU6+jvmvNBpAunU"
    "xjOH/N9mYLNykneFfnuysm2ZA02MhYZUaM6eEKhWrOdaHzYzmj6y/eoH33wOFDJ0A8jQ9Q"
    "jmhbNydftJBuWcCIAsViEy8DCWKy6bSgDEYvPYDOQmcdwe4BWC18MPkrtsMwmAWOxIFMcP"
    "ZMnReZn+wbz/Onxs93FNjaXGKgk5qf7hLAJzPcoVkANsYXcZ13cQxbgg1D+I90/1zzuBFZ"
    "zr64UVpSCduTmdmac87yk91EGQRTNDpQlWSA6NR3fj0ZtJU26oDfZ7lPtoiPukyRGBqI+V"
    "tt1rzOdjGUj2HEo/KxfDbDf+861Xv0yHoQJtM38wLwfsQaXZg6BYQbGCYt3uVLNcgomjX+"
    "sSUUInmxVzYpuLYk9tjDxnjVzsoQS7IXrET9hA86f0Eq1XTZQuMleu4wXo3vFWeoBC18de"
    "4CMzqJbD3mfHItme7MU18hkEoQ8Vr3u97U1pP/Yw4fHKDK+AfbfSLaue+MzroE8q+MXp61"
    "fptKZ/NM3ou+vR1RWnROhStx9wDNA2W2A48nswZRWb7mDJHsSS7byCkKgDUTW1RGzehM/T"
    "gsX7rINxOHt3t+CQhw0zWOGVw7Ncc3cb7dWoVv+i2PqwZCBGdgUmUPtm4YOn20TKCXSOcd"
    "hQBLckBwVwqwVwYc/uN2erpMuY+EqVF+mTsX+oeJvjcWsxSAfbRLdGqAavqOWRn1cqhdki"
    "3DnWSTogmwyTdAa0SFAeFhZiMFLaNVJMm4C/wjb/vLb6EFZZrn+RrLNjgUDW2XFtHIvegh"
    "37By+CoPM2kjfxZmOBHlYc2z8dri7a2owvN7wKAHP5huC8fAvOS+gaWw5zURLC6SqPMgR8"
    "Wgn4+OFcHuO8EADcDHBAdN4Wh3cVxQDkDbN4aboueeQ2SHNkAe5muOFUunaXELrWap+Dpy"
    "ikhDk+b9NKwpMGyJshj6KSi9DzsL140mR3itWI9y+u80LEh6t34Sq78vQnFgZbYQKUVAit"
    "Ktk/sPe/rSnVffKAc0QBcYGNZNEZ0PLn8hTEAGmVt+ypBnQfNxYohvE+eFZZscz6jGch2B"
    "nTnnYtUljgT3UzrtlcMo3Ye6t9FCi8JP30CaODp88ZYHUp9ARNoTS6Ziat2+L30YOPksqE"
    "7fP9vvVdIDnkxcEtCoHq5mR4H0MpGz9q3j9r8+RU5HQY0qrW3mT3nvE4SKXhPUzFnvjrZj"
    "hJwFyW6x/c+8+kbxtrhCijVJTR9cwFZy43AJxKALTN0HrOeovkcUEKIIYskEJwA2cfOPuK"
    "RLFU5exHxyRwAg7p+Qmbgg2f04atcvazs/CAst9uoAFo5HsPMsCBkC0fCAm8520GoHOMWO"
    "A9fwujzJJV2oLvUdXr+6JUe8b+ofynvSslBtBnXtn6Bje1IAUOarODOtd9rG3FJ69IAtQC"
    "UG+7Q4InDIA3A078RsskGtQLLWr6S+3i48n2LwlxoPNygC3Xd7acai5DL+lyqoG8D76cQL"
    "BxrxwwFkQEDphkOLaOA1ZAUygs2xYHLH4YcMCAA6bCpwscMOCAdRBe4IB1nwMmFVaAKBlw"
    "vp4XWuB8fUv1YRVbjvuUg0o9IHG7Oy8CYaDNYaCUaLRjDChlNnUMXtEAUH5eqUQ1exdZlH"
    "+YeD3gRDfyt4dN8Y3EMv2StNx41NJsiZFFBtoPEBVCzj3SUdwNPRJJzw5FOtJZSy9q6GHX"
    "0hc4OigJ655lYu/76olLB+hf5MjFcpwFDl38xsIuqq1Q+6+uCkzDPUNKTJqtbNG8HJDelD"
    "ZFIS8JeUkFzVKFzwf90/SXlukHPLM0vddok67zrdrbBwFbH1re+rDUuft7G0n6mVCLDP30"
    "Sncp+qDGQI31To3tlV6T6CZg2Mjr+jqSTRnTzTq/LZJN9jzg2UDAR4kvGKITEJ2QjE7kVz"
    "Hxb6ckBR/PZrMu75LuaNblfeCOgSxq1pUmmErRiTE7195IbWuO0VJu0mi3LKLGWt7u35xD"
    "G2U5rPXS8TGyzC8Y+fiB1hBHK7yaY48WuPYR8XZR4KA5Rh7+AX/RrZBOl2rWbC89bjacai"
    "0jhRzMXhtLyXzbggBTkATFrrRiX1g6GQRDm3M4kA37zgpSPSSZvhIhmZbHLUcyfVXhk8WI"
    "hXZgcmh7G76osjCwylT7piom3fNYHSPXnDmP2OaZG+m9RjtDd02il5Nmh4yNQPCjTX3e6o"
    "YN1TR2Cxti2DejLXV/KYNyUWo/WD/vND70QT4Lh/ZRgfhvd9ObmkReKlHWmuYiQP9B3XaR"
    "ecBSLAq6MgH06Hr0oYz1+Gp6UVaCtIMLdQnxqg3FgLygMbWtp0F6JkcXbJl4WWh0DyzdD7"
    "TQ32rcy7JgtKpmtBb2FOEvRBdtM85FSRhl1UZZEddk8gXbwZhAG9aEQ4sNhk1OCqZNWXg4"
    "lAiF0ucZiC7W2KNs/yxYiViHPjqijH4/nKeCaO45urEgKxn2hgivdNNC/mKJjdAiU4azqe"
    "AgT/lkf7L/6Qe6F2j6PWmjRe9vGv9EZrQLwcZruo+BXUfrJbbZ1QQgtNZ9dG96pIWHH0z6"
    "GGycf7LjqK2PzAARGxTZDlqEnu946J787wkHLIZLXwXde86K9ukRZH2H7o1I+mZZPBro1T"
    "/ZXmjb5BcjkyYnrIgIgcio+Ij8u17q9DGui20/7c8md4bkwQFt8YR1z6eYLU3KCH/aNVb8"
    "vD5PD+3wpvLC1dlZhf7CfGjYA8DvoU9Zw59PT1+8eH16/OLVT2cvX78+++k4dfOrt5r8/Y"
    "vLt9TlLwxXNTGffexbqfWSMFjuqqj6OstdEU1/F6kVno5PbjVqdz/X6LDkrEIlbg/fE/iX"
    "Gv1FQM2C6OQz6eqD1JPJ/7IKzDP8tWb6lsT6kOhrWuInH2bNcbN0hb+a3rxNmpeDaXBIwP"
    "PuQHBsw6Q/TSpKXJRqP1I8+O/70F5EzmBoWgHxoH6kj/2fQfuDcZD48RrPfTOoqSlcPy4l"
    "MTUGhj6vNwOTUqMePCd0ZceHLw3DtPdhKlinXEtpYoerCjW05NIV+2jPemK+iuRQDEbvZ9"
    "NzRCU/2dejm/ejq3NEnI4wqk8lnfUV4fSc1HN6TiqcHtczHc/kVY9r2E2QicDZFWXVvdID"
    "GvVMOa7yx4M09ABwl+FmCbpkTdgyv1cUh+SPaskfngoh2iEIa052EFciWS8tqhEXEzOdDJ"
    "ekJnk3uXlzefP2HMXyn+x3t9Px5O4uuug5C+z77Pp4ev3uajKbvDlHC2fl0s0Exid7cns7"
    "vT1H2PMcTw3dk4xC+pNEXfqKIDj18k49+8xYnm47554rD3UGJLx83bLI4ud8wZ6luy75PZ"
    "qPyfuTBYu3O7txLJp7glGBAxoh1dSV8xph1A9lTqYlHgQTjNn0iMk6jFiyY+mMOH0YMYVY"
    "hx2cE7UFNAqucMQa2gtc16yvniO1NN2INrJPzGivbLL1FbzIBm0ynSSgm9DO7uK++opYgp"
    "VGvEa6mu483aLu3uV66wtsLXBM8pqgnm5S0hcbmSdaXmUxiY3s0l+dNbnlIcfO0S4pp5JI"
    "YYOSG+mduP/v/AIVlAbSYuqmaURcTNuwsMGhlx7mMZRf+o50lOziJ5NvSf4MSAP0YDlz3T"
    "pHcdwAM36mYd7fY482TSmkC2e1In06YUAbmMYn2/EMSmedh+yp3hNae2YQcWK5P3LpkIGn"
    "Dw1y9yxn8RgxTlO6aiYxx+SpGH0xfZMMIDJt+mLssYi8GivgzdisNn0+8h9pVQLy6IZS3T"
    "lGcTIXdq3T3cR57Bk9qBV6Y0PJgtzoCe9kz8n0kEy0/w14LOq/HcO3IgrU3q2pveBz1w9I"
    "v3zuovGZ6qTKqNcT6wtCffrmDlWEK0dALmIsXYMrx3fuGMR1Vv2wVIKrOLtUqsBVjH7Uew"
    "dZeGSzY7DK2m50CabEyPWIve7SA2TiDoZp9azvqXFKTWjriRqubEtY1KZq9e/UE9fQLY5a"
    "pTj5nkqXg+nbmumrTlW0HqgGPm9VAtiiEOAKRWO/Rb4RWKtgrT6jtZr8AFFz9WaKRuPZ5f"
    "RGCYM1Sz1tslwLSSpREzbLl4kZsyMbkbY0eush/NWkhQQWNNJqRCclxtHh/2Icfzp1/CQ8"
    "Te1RH6OjeEt/XN5gyMrG8uonHO45IhtCi9MjKdlfspPKkWGwh8EeVnZlBHu4G7hGVZP5qY"
    "vNpOxMWuUkxmByM5vcUm41W+MZs/rDJSNb07UeG2V1IJLiEKnlWF/JsVLH0VmwaMo2rklJ"
    "FLwT8E46MKbgnYB3InSghRO6DrewdHyn0ftYZG0OW9IlnRra/EmjC8AqZWDhr67psb80ug"
    "ZDjZeWT5So3blcR83Y5y7lHlZjy7EBfPLNapa5MmU2y5ak2tNmJ0rP4DKsLnEI60/b3IBu"
    "WRhALoNMTWGf1QmWALcoBFu7y6CWVV0F2WZPhiMOW7tVdmZg4139p9VNOpjIxrsGW1diA2"
    "xDL7D5tRNHnyu2sO5bmSU7baQJxyXBvWCrgovWdhnh0JKM9+ckIEa2OUZG4dpHgEy3sH8b"
    "99UxhEXpprmZJcs1Lfl1O27ci4Je72lPPYL7oHv28pDVhhFTRDfFErUwbSlExWX7wr7zEX"
    "Ea6RY0eoIB7eYc6Xa8Z8zDP5gr1/HoTjpWNowejBALkA+Pz8vdT7c1u9HYe8aznfYFm9EU"
    "U5L10c50vMS1Zl4E1CY3Hrfdjqe9nkGlHMj99W8LC6CoP5WXga9os/GZZeZ2ND+zNGDHAB"
    "a1PYv6WKGdTqM0aHOLqaHBs64qbRpNrCwMpHlZ84121myJkaGb1hOKpKhFlJYeOH2JlkNE"
    "2ZnEEPIdWoFgQYykOUZkFngmuUhsbuxVzay99QpnEiuWEYao9Teo1V3yWTqGxs77kh33sm"
    "wPR74jIy2UloqHC9uc1VNooGNJGGalh9nnEvwaSJRtV2RXXkdmWN4TQ0eKCpEJAJ4cPGnV"
    "J1cK0JwEIMpDNDqZVg7TvAygyqNBOYFeX028nghVEgNsOdg6Lnl/qUhsKgDUsjKYy3Cl25"
    "o0pGUxALbCH7HMxaMUpjkJgJNzDuAX7AVygOZlANLqedJfsB1y1NO1Y8dh4gqkOZmyF4cX"
    "5kq3fnwT/ds1cBuQezMZX16Pro5OTocvS7Sxm/fXk9vLcXyLE5h/7gjyHQ4C8tr+LfP1Gs"
    "LI+YZDwViyH8uIR5OduPQVTa0bK9P+IdrpaqCsV5T0io5MA51wigrs0pFqMWP197ocOGiM"
    "bfraPG5DE8k1JwWH6YpzWlMG5YJCG7qaoT9xiFObGZhl+faU689d0a5xenFLpGuk28P5RV"
    "dwpi8e7Xpju7MIUhIw84XbQ/msIyDP6UGcmm/+n0wwoyjU4la5467MXeo/a9RseoxPQZRQ"
    "gRVZUIQSmzuoq70t8lVhgF7iqL+A/Ip5yByINXlTZy2rGxt6aG+Red2RJQYqy9dD3U1SBi"
    "eHK3ua2yFjD8Vjozgxh8q5UvWxhuJ5VmJhBsri9wPsRvT93CEzhTqESZ/8XQCS8gI1uUn3"
    "Dw/EwkxrNNJHaHbI6o/vtAcAaGs7RiAqQ1PEV6xiW6WTFk/RZjNzIId+VLstrtwW1W2Lqr"
    "aVv4eaMTlkzbYAr1zK8pRjipekIHPKy/XnFh1xZEtSgCwHWaK69CdtZdphwNuKWIttRQ7S"
    "VGVoTX+7U9kLcuChiXtodG33sW3IzOOCDFRFKkOavLtWtz1HqKRHThpKechEe6Jguk831G"
    "vy5Q/qxKG4Ry3Urofvza98Y7oR5ExwKwNaNXQLZvLJsYCdfHJcayjTW1y0WX0vMje3yzGV"
    "pSHHxLGbHVej6ThGKPLlizLxO4BFXGYRh91lPQtkiuwug/B130a9LnwNxdwPo8caagVAMf"
    "c+HIyajM4dJoqOWyyg1GLYlHIx47bEm08bb8y5RB37KB17dO94SEeWs9AtxLq0ogpc6Iht"
    "9TftR/SIn9DaJLMpDNDd5O315Gb2+xUZz/EtGdLfJv/LYX4e8Dk7EEPZvxKuTtIeKqGXHJ"
    "ykEnp9ruaLbvEI6/VYpwIqH6SzJdynZ2cCeJNWtYCze2Bm99vgqjOzFeEL3OC1TzRpgL3f"
    "Q8yGuaK/yk0aFZidNtY+p603H4iI6Db2/O6BFfZpRcIh0n10rS+d73yUdY1Y1/FphrQAIO"
    "fow330KHJESn5DhhN6MU+ifBGON1S3uODzJbxVi5fuOxoNNbwPtXVwYbom9YcYRUvGIuOI"
    "gm0mZpv54fxfeFHDUaoJimQiPUT5559FqEekVS3K7F4p/R2pae6aUQ90UaqHWB9kRnNtF1"
    "HIucL9SxueiaQNz+rThmeVtCHXOBTXj3XioCg5mUOq6OR96ZxYDx3pjjjOnEyFUp5zwqF/"
    "F+/KHXBc50qbYZPvnLDaNTffXIpyTzfmJwY0cXCTHs9RWjNqiOaYzA7mHg8pod4gMs08/F"
    "06rSHnxy8arVyMtc2rxk9aBnoQMhzSZ9EPk7T7WHYUcikCdruYMog7iu8UHp+/lWz8padl"
    "gr+upr/+fG6laiv5/tVl4cMQzvwWpABZoP63Weov3vrDUOG6L+Lbh5I+VPYfVd46lGnrbU"
    "Yhk25x91ahlqbMMNyNf528eX81eZMzgz7Zd5ObN5c3b8+pJWSQcWBXZuzP4JP9y+iSCURV"
    "Zsm93y7fvWM9ZFVSpWmtr0RorWUbPUdrfVUZxbylJes5lWTBfVLOfVLOP1YsBtGn8U09Ky"
    "l3JS/Vo6hSywd96gFNEQaSpTVSEdiJWAbUwrqPtdAOeBmv5gWrJAqLlsqLFj2JSMOe53Bc"
    "pRn+WvPtFKX6kIdoGtPJh1lhOBN77uh69OH7wpBeTW/eJs1z9t/4anpRUzKPxr64JnzjPq"
    "ZErA/IFy3sF6cCFvaL01oLm95SJMepNM4HSXEyXpe0BZSXAgtoWwuIvAZZkHVLriJDTgZs"
    "IP7hC1u4bAVBsH9Utn/yhztsMdIccRhvlceblRJlZ5lLrJNFoWdcKI/VWRzjEzy22TxRkI"
    "TPReXPJar/Kvu9lKTgg2GgJCe0bPPJlGTho1H5o3E8Q5YwkRfpkQ/Um/N7FIO3ATuJE3xg"
    "L6TYXO7XXkgoOdLnUecoKCg5AiVH+l1yJJfOMm3ieFD3gxMHvYiFf/ntFkelM+ohvyIdjW"
    "k/PQL9rzYY+nfYNsbM82ug6GeNhkIcfUrwyvzJzSz9X9lxeQG2kZ6S6dFa9+N96oxsP0TE"
    "PvTOUVrOFdEV30fB0vSHKD6NCj1i7PI3vR/oGSIc/jy9eqeC+sCj3286pp5HD2zv/m187z"
    "uysoWxn6EotsqpREW2zmWWDEchF8ycekWcmVVi+pd16Sfb2Vhpsvi/mXKMyRXnaL0k6vPe"
    "9PxgiHTbQMtEp1bV7X665GrX9KjPaC0IPQu0aje0Kh2qCvz1pJ64uco7Tral8xy/FNleQp"
    "vVE3rYzaIKYB+Stn2ujyffw2BRd4NDnU/5deVYjJKSEdcYJcE+WaotaI+G+Fx+4//OAbpq"
    "6YGODYlopK40HVWqDpyMwjg7eaAhBjUunE8gEIQqHmggUGfRRiyti5JDXLGBAoeZrAmIyC"
    "PWaVS+V/cDcjdcLNEc35P5h8yAUxV4T32K1FrMDzSnxkOBkgDVG9S0j5+DiaDkOIAa7/ok"
    "h1Dq4Sc3JIYhRN0tZB883SatnEDnBIIauGEluZ35YUoFr/fPDmsqWClQa2S3ipUtzeHB+O"
    "py/Ns5YpGMT/Z4+v7d9Ib8mZ5D+cz1XhTjD6u2svQqBAdkzJ7R8hQ/mGKEPXOxHHCiJfGd"
    "YVOERM/abAqK1I/zDocSSVlVPQsw7GhJNRw/VHf4Z8MBRLXHfSql6LdNsR2kKDj5qCQQjp"
    "v3EN2TY7ETg5uODOacGWwHXAbu3+6mN7WWUiJS1p7mIkD/QZbpd9HxagCXglFQkZX6JuVS"
    "JiXdRzu4eG7Cy1//D6RYsFA="
)
