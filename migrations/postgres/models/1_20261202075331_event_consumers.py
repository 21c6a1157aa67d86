from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "event_consumer" (
    "name" VARCHAR(64) NOT NULL PRIMARY KEY,
    "start_after_event_id" BIGINT NOT NULL,
    "registered_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "event_consumer" IS 'A named reader of membership events (the subscription broadcaster, email scheduling).';
        CREATE TABLE IF NOT EXISTS "segment_event_cursor" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "consumer" VARCHAR(64) NOT NULL,
    "last_event_id" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "segment_id" INT NOT NULL REFERENCES "segment" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_segment_eve_consume_cdfdad" UNIQUE ("consumer", "segment_id")
);
COMMENT ON TABLE "segment_event_cursor" IS 'How far one consumer has acted on one segment''s events (the last event id it handled).';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "event_consumer";
        DROP TABLE IF EXISTS "segment_event_cursor";"""


MODELS_STATE = (
    "eJztXWtz27gV/SsYfakz42YcJ3HStNMZxdFm3dpSaiu7mSYdliJhCTVfAUkrmjb/vQD4Jk"
    "GalESaou+HNmsSF6QOwIv7OLj478i0dWy4z89VDy9tuhm9Q/8dWaqJ2X8U7h2jkeo4yR1+"
    "wVMXhmispVstXI+qmseu36qGi9klHbsaJY5HbItdtXzD4BdtjTUk1jK55Fvku48Vz15ib4"
    "Upu/H1X+wysXT8A7vRn86dckuwoWdel+j82eK64m0cce3C8n4RDfnTFopmG75pJY2djbey"
    "rbg1sTx+dYktTNnP0VPvz18v/KnRpeBV2QWP+jh+Rz25oONb1Te81O9dKMm1kaJMZ3PlZj"
    "JXlFEDhDTb4uiyd3XFz1/yV/jj6YtXb169fXn26i1rIl4zvvLmZ/DoBJlAUOAznY9+ivuq"
    "pwYtBMgJquLfAq7nK5XKgY3a56Blr7wNtNGFBNtkQsVAjtqC1lR/KAa2lt6K4/n6dQWQv4"
    "2vz38dXx+xVs/4I202/4MPYxreOg3ucbQTdB2VYstTGk3djMxWMzicn41Q7vkU5lrh9i41"
    "g/mFhardrVWqK4U79qld1rZ4yzw181dUS10KoPgv4i8X6Urbd8SPL2rR4E61Dk3aDEeDhp"
    "PtySpQjY1zEwUatd+PAn1caDMK9OxVDf159qpUffJbWe3pu+wrVAxiEq/BxM1J7ccGqKNC"
    "X/R6BudhdTBVNN/1bBPTxujmhQHkPMgeMbGr+C5uonOzQt2BenIgoOIfDmG/nb2FwvSxRO"
    "1+YFc5iHJ4JeI5jPVQ/nn0H4dnbVUAOr+4mtzMx1efePem6343BGbj+YTfORVXN7mrR2c5"
    "hR13gn6/mP+K+J/on7PpRKBpu96Siicm7eb/HPF3Un3PVix7rah6GpPocnQpM94axRx3RZ"
    "Xo/+qhzkruYZS3+q7aXHvZD9RnlrEJZ+CBDHv4sVSOejwSymKj8Jam+GaLU+C9bRtYteQz"
    "oKKX3HRYsG7amgHxlW6/9Pez2WVmtN9fzHN21+er95ProxdimFkj4mG5zqW+gZs5sCmJ7p"
    "awnnsQBf81C3AR3V9sisnS+jveCJAv2BupliZbs0IH9EY1sHsd9nVgCP+MplB0NdEUVF3H"
    "nmx6ZvE1HBs4mLXn45vz8YfJ6OcjRQVCS/gjZQ7+SBYcyDQ4rowRhE2VZdx2OLGC/nu0gw"
    "4WPLYebSFc0CAumBqF8BtzJSZFKPrL36+xUWYw5L7qAxyKMoX7s001OcVrl2lsD9M5Nh1D"
    "Fbq7oCslrSoVphW3V7y0AGhN0JrD05ovXp/UUJusVaneFPeyJr7rL/6DNYmPXQ5xSgQygX"
    "UygR7+IQF4zq6WhALD9gNAtyo0Mfkyz/ipEYZHV+MvzzKRicvZ9GPUPIX5+eXsfX46Y/Yr"
    "qdI0s50T2wr4nsUCO5jXIWrYVImxBdqxHMBdCndPct+fqK37wqAq2GzRrUpDzUk1AuNsMM"
    "aZe+c3+u6D5m0ta4+X/n5x+raOZXb6ttwy4/ey2hXYWa3aZKwTaWi7HOCUSIcYu4Q5trgb"
    "pF+e1gD65WkpzvxWjgRHiSaZxVe2FQa3CyjHEvnEHdaIqRrPPwT/Hp6FUAHth8n5xdX4km"
    "mB41e5pMz089Xk+uI8vNU3g6CKW5xvUsdAUBpRjUdjFMr9wUU6ocwpRWEHBLvoyLIRz5u4"
    "nk3dZ8dIddHN5Go8nV+c36Bv/smJ+uYU8VSqi5g5YT4f5Yaxhe4lFszX+LcHqiVCgP/5r5"
    "x587V4F8h+XRk72WGqS+jNCEFKVJJkTk/p+sDmpADZfpGlk4y0ZGXIpKvL1wSXN1OiFDn4"
    "jcNRpf13bQ4vUpRWqek3K8BcHnfOiQ0hLNd1/Jm4CtNR5F4yvSsZaxm5DjlqkVY5WIpasK"
    "8mwKqBRsmJdejPW8z17cabf3FWJyiVJ3umYlJnxU0ZWNAplRCZ5szMkh6AldlgygcRIaEv"
    "ZPhXxF/zgh1O+8WGbxzRcGANHeLk14nLtIblKarJ/2kU1JLI7hze6tVuj86DW/kVYFc+V7"
    "w988CsyUdhc914NpV7duLGcaVXFzcBh24wDh2wtFrcCtt/b/mQE4FrvHDZctQs+pgVguDj"
    "wztdQsSKGDfe7PJ70tOBQVx3q0t2dmV2u1xPbubMYppXbXd5TLJ7P8M/3VpH0QSV2EepuV"
    "tuIaU+FbCRwEYCGwlspH4zT1OhKe7c7bjaxD7kgU3x0rUmE66G7WePsSTHeFVs0K1elNMV"
    "b1pdlb/mzD+xF1jQfY7R11HAme+Y+fPkl+7GOxx229rQt0+2Ay/8llDXa7qIZ4SGkK3uAG"
    "hDbY5zWgZgrgXzUmxxagJyIjE8iOvsjijfG1HYGaHbiyKyvCZUSfItaF5VCOrwAK5KuI3n"
    "kzxLAoppbcMQ6lHxrAiTyupZwD7qmIoRG+f1je60CCQOZPQW7v83wzQtAlWzi5BCjgtyXI"
    "eY4yqohT1AWze82DOVUBfXtCrMoMpeAE0/X16OigvYHlAtVLkb6LRNr947JGaZTcfMPnfX"
    "UHmE+jjobkC4Z2MW9pLsTPALobrkfQ0VKJvqO6cWZlQfVKY/jc933/Z2/eb+wfsY6gSKtq"
    "veE7zeEadw+/dvrKehorUm7sogrrcjUr+H3QwJpkbJvEw1Ov4eC1noNIJ0ZuG5zf7vYWCT"
    "cpI3mX4Hotm2zIFGxkJFKjRlT9SoVqymWrebGY0f2X31gyefA4UM3QgydAOCWbNNR7U2TV"
    "BOiQDI9SpEehTjZsVlYwmAuN48Jl6zSRy2B3hrwUvxsuEu20QCIK53UKrtek3J0WmZ4cG8"
    "/zp8YvdxSY2lyioJKanh4VwH5nKUCyB72MDOKqzvUBfjjNDwIN4/1T/tBBZwLq8XlpWCdO"
    "bD6czyE0K3Tg8dIMh1M0O5CdbHM6qC3EdF3CdOjtSI+hhx273GfL7mgRTP4fSzfDHMbuM/"
    "T736ZTwMBWir+YNpOWAP9po9CAsrLKywsG53qlkqwSRZX8sSUbVONsvmxB4uij2zMKL2Gj"
    "mYogi7Y3SHN1hHi018iderZosuIqZjUw/d2tRUPeQ7Lqaei4hXLIe9z47rZHuSH66wz8Dz"
    "Xah4Pehtb732Y9sJjxdmeAHsG1M1jHLis6yDIS3BL0/fnMXTmv9RNaNvrsaXl5ISoSvVWu"
    "IQoG22wEjk92DK9my6gyXbiiV78AtEgzoQRVOrjs0b8Xk6sHgfdTDas3d3Cw5RrBPPxKYt"
    "s1xTdyvt1aBWv5Zt3S4ZSJBdgQnUvVm4pKrFpGxPlRiHFUVwc3JQALdYABf27D45WyVWY/"
    "U1VVpkSMZ+W/E2m0prMTQOttXdGtE3eOtaHul51acwW4C7xDqJB+QhwySeAR0SlI8zihiM"
    "lG6NFGIx8E1syc9rKw9h5eWGF8l6fVIjkPX6pDSOxW/Bjv3WiyCoso3kVbzZUGCAFcf2T4"
    "cri7ZW4ysNrwLAUr4hOC9PwXnxHX3LYc5KQji9z6MMAZ9OAj6uv2iOcVoIAK4G2GNr3haH"
    "d2XFAOQHZvGKOA575DZIS2QB7mq44VS6blUI17XKd28ThJSwxOet0iQyaYC8GvIgKqn5lG"
    "JL2yhNd4qViA8vrvOyjg9X7sIVduWpGxEGMzEDqlEIrSg5PLD3v60pXvuaAy4RBcRrbCQL"
    "zoBufi5PRgyQ7vOWvb4BPcSNBT3DeB88q6RYZnnGMxPsDGlPuxYpzPCnDjOuWV0yjdl75j"
    "4KFF6wfoaEUevpcwFYWQo9QrNWGl0hUeuu+H384KOoMmH3fL+nvgskhXx9cLNCsHRLMrx3"
    "fiMbP2g+PGvzxWmd02FYq1J7U9x7xOMgew1vOxV7wq9b4NQA5rzc8ODefyZ921gjRBkbRR"
    "kdSjTJXK4AOJYAaKuhpfZ6i+RxRgoghixQj+AGzj5w9nsSxeorZz84JkEScIjPT3go2PA9"
    "btgpZz85Cw8o+90GGoBGvvcgAxwI2fGBkMB73mYADo4RC7znpzDKIlmlaHKPqny9z0p1Z+"
    "y35T/tfVESAH2Xla2vcFMzUuCgVjuoC9XFylZ88oIkQF0D6m13SMiEAfBqwJnfaBC2glLf"
    "4KZ/o118MtnhJSFaOi8H2HJDZ8v1zWUYJF2ubyDvgy9XI9i4Vw6YCCICB6xhOLaMA5ZBs1"
    "ZYtisOWPgw4IABB6wPny5wwIADdoDwAgfs8DlgjcIKECUDztfjQgucr6dUH7Zn6nhIOajY"
    "A6pvd6dFIAz0cBgoJhrtGAOKmU0HBm/dAFB6XvWJavYpsCh/I3g9kkQ30rePq+IbkWV6H7"
    "V88Kil+Qojgw206yEuhOxbpKKwG34kkpocinSkipY0aEixY6gaDg5Kwio1CKbPiicutdB/"
    "nSMX83EWOHTxiYVd+qah9l9dFZiGe4aUmTRb2aJpOSC99doUhbwk5CV7aJb2+HzQ34m7Mo"
    "jryczS+F6lTbpOt+puHwRsfeh468NKle7vrSTpJ0IdMvTjK4dL0YdlDJaxwS1je6XXRGsT"
    "MGyar/VlJJs8pg+v+V2RbJLnAc8GAj69+IIhOgHRiYbRibQWq//t5KTg43nYrEu7pDuadW"
    "kf+MBArmvW5SZYn6ITY4fM7TtsyayV+F6lpaI6hJkWUbM2rRQwQ7o0QzqlTvbty+6Amiq+"
    "GWWluqsmKGel9oP1407jtkvqazbvowDx325m05KQWiyRt/aI5qH/ocNerGTAciwyJl4E6N"
    "HV+Ese6/PL2fu87cY7eN9falrfhmLEfqA+s4zNKK6OfQgmeKgWKi1wQ2Vmju9uNe55WSAl"
    "9tnXovierUXbjHNWEka5b6Nc8PsexzWZ3GPLO2fQ+qb85Pdsg+MqJwXzpsJRi9s+SOwbI/"
    "48HXFljSnn3ZnYXGDKT9pBokMXHXFunesvYkG0oLaqa0yTYXqMsKkSA7naCuu+waaMhN7X"
    "ylO+Wd+sfzPHm3qKesvaKMHvJ/q/EQn4gBZec0ahuI7WK2yJqxFAaK266JZQ1oLiJeGPwf"
    "q7b5aLl6Z4I+IhZoMiy0aaT12bolv2vw32kEqx+Cnoltom75MyZF2bsxSjvkU8DXns2jeL"
    "+pbF3hgRHiYwgpQEYqPiIvbveqXyxzgOtty4P4vdOWYP9niLDVapyzFbEc7N2pSxG+s6ko"
    "/r8wzQDq8q9FecnZKEFVlWsPHkPQwpfven09OXL9+cnrw8e/v61Zs3r9+exG5+8VaVv//+"
    "4iN3+TPDVQyRJx/7Vst6Thgs974s9WWWe09W+ptgWZGt8dGtytXdTTVqN02aqYlJ8S2Df6"
    "XwN4IkKUQnH2mtbmVnd/rNCjDP8Y+S6ZsTG8K+7ioVP/kyr46bxRr+cjb9GDXPB9OgXO/j"
    "cgFtSyf81RpFibNS3UeKR3+59S0tcAZ9YnjMg3rOH/vXUfeD0Ur8eI0XLvFKqvuVj0tOrB"
    "8Dw583mIGJSYpLavtO0/GRS8Mw7X2YMtap1FKaWL5ZIGnkXLpsH91ZT8JXaTgUo/Hn+ewd"
    "4pLfrKvx9PP48h1iTocfVIponPU9q5P0zXtsqZzvmaTWiE2JrI5LBa8vEYEq0vml21Q9Hv"
    "VUIqXSvFB3RQ8Adx5ukaCLdMKW+b2sOCR/+pb8kS0hbHXw/JIay/UXkaSXDpcRBzMznQ1X"
    "w5Xk02T64WL68R0K5b9Zn65n55Obm+AitTXsuuL6+ezq0+VkPvnwDmm26XBan/7Nmlxfz6"
    "7fIUypTfux9kSjEL9SXZe+IAhOfXOnXnxmIk+3nXMvlYcdfw28fNUwmPKz7zE1VMdh76O4"
    "mP1+prBk+6Qqx6K6JxgVOCoJUk2HcnISjHpb5mS82bJmgjGZHiFZRxBLdtzEGqYPA6aQ6P"
    "AA50TpVtaMKxywhvYC15Xoa+BIrYgT0Eb2iRnvVUy2IYHXQeo//YGWswByn/GDhAAlrUmE"
    "xIOkv1/tNbtFkW2l2HCc6saksM45Z/xO2P8f3AxDj8c3QkYd0QOKnKUbWJew/tp5DKf9fW"
    "IdhXKITb4V+9NjDdDSsBeq8Q6F7hwWtDmd3N5iypvGzD7mxJqsT9v3eAPCfFlxuvAxWvji"
    "qXSD1pR4AVVR+pIrmw08f6iXumfY2l1ABIxZhInEArOnYnRPXMIGEBGL/zDxWMR+mqhwKE"
    "iGFn8+cu+Iw/mBuKKWYYroGc2FXQsZVlHRBsba6IR1Vs7tSI9eXX5HWmaAHI/974sSwdjt"
    "iJcFUWBcbs24BFeofECG5QplNiUma1Jh1Mv5zhmhIX1zbVUpSPFCsxg3LlKQoqEeGMR1ax"
    "RkZ1efShRkndJy7yDxWh92DMyk7YMuwYwZuZTZ6w6vsB12cBwX3X7GjVNuQhsbbriKnTpB"
    "m6LVv1NPUkM3O2qF6o17qu0Ipm9npi/UJWyJu5DwAhsAmxUCXKGq1lOkgYC1CtbqI1qr0Q"
    "vUNVenMzQ+n1/Mpr0wWJOMwEOWayZ3UNeETdIY9YzZsYVYWx69pQj/IHx/t8YjrXpwlEwY"
    "Hf6zoF7zqeNG4Wluj7oYHYU7rcNd58es4T2WbWtv7zl19ullp0dU0zRnJ+Ujw2APgz3cW8"
    "0I9vBh4KqtVGu59YaLRLrPSYzRZDqfXHPKq9DxgvD65UJwYLmuD84jaJriqFNir7zAXqG8"
    "nq2JaMo2rklOFLwT8E4OYEzBOwHvpFbFX0yJthrJ6v0Gdyq9DzVpA6V+D+nTrrKy75n/JS"
    "30UM63SIn02VLZkm7RSkkN/lE1QDhsPkB0X5yc1NnddHJSvr2J3ytUcfCk61NlCYdIBCr9"
    "Ntxp3oDYvf/F7Of/AWtsqZM="
)
