-- Address macros a person can use in plain SQL (psql, dashboards):
--   ip_num('10.1.2.3')              -> the address as a 128-bit number (IPv4 mapped into ::ffff:0:0/96)
--   net_lo('10.0.0.0/8'), net_hi(…) -> first and last number of a CIDR block
--   in_net(saddr, '10.0.0.0/8')     -> exact CIDR test on a text address
--   in_net_num(saddr_num, '2001:db8::/32') -> the same on the numeric column (fast: a range test)
-- IPv6 text must be plain hex groups with at most one '::' (RFC 4291 2.2 forms
-- 1 and 2); dotted-quad IPv6 suffixes are not parsed.
CREATE MACRO ip_num(a) AS
    CASE
        WHEN a IS NULL THEN NULL
        WHEN strpos(a, ':') = 0 THEN
            CAST(281470681743360 AS UHUGEINT)
            + list_reduce(list_transform(string_split(a, '.'), lambda x: CAST(x AS UHUGEINT)),
                          lambda acc, x: acc * 256 + x)
        ELSE
            list_reduce(
                list_transform(
                    CASE
                        WHEN strpos(a, '::') = 0 THEN string_split(a, ':')
                        ELSE list_concat(
                            CASE WHEN split_part(a, '::', 1) = '' THEN []::VARCHAR[]
                                 ELSE string_split(split_part(a, '::', 1), ':') END,
                            list_transform(
                                range(8
                                      - len(CASE WHEN split_part(a, '::', 1) = '' THEN []::VARCHAR[]
                                                 ELSE string_split(split_part(a, '::', 1), ':') END)
                                      - len(CASE WHEN split_part(a, '::', 2) = '' THEN []::VARCHAR[]
                                                 ELSE string_split(split_part(a, '::', 2), ':') END)),
                                lambda i: '0'),
                            CASE WHEN split_part(a, '::', 2) = '' THEN []::VARCHAR[]
                                 ELSE string_split(split_part(a, '::', 2), ':') END)
                    END,
                    lambda g: CAST(CAST('0x' || g AS UBIGINT) AS UHUGEINT)),
                lambda acc, x: acc * 65536 + x)
    END;

-- Prefix length on the 128-bit scale: IPv4 prefixes get 96 added.
CREATE MACRO net_bits(c) AS
    CASE WHEN strpos(c, '/') = 0 THEN 128
         ELSE CAST(split_part(c, '/', 2) AS INTEGER) END
    + CASE WHEN strpos(split_part(c, '/', 1), ':') = 0 THEN
          CASE WHEN strpos(c, '/') = 0 THEN 0 ELSE 96 END
      ELSE 0 END;

CREATE MACRO net_lo(c) AS
    CASE WHEN net_bits(c) = 0 THEN CAST(0 AS UHUGEINT)
         ELSE ip_num(split_part(c, '/', 1))
              - ip_num(split_part(c, '/', 1)) % (CAST(1 AS UHUGEINT) << CAST(128 - net_bits(c) AS UHUGEINT)) END;

CREATE MACRO net_hi(c) AS
    CASE WHEN net_bits(c) = 0 THEN ~CAST(0 AS UHUGEINT)
         ELSE net_lo(c) + ((CAST(1 AS UHUGEINT) << CAST(128 - net_bits(c) AS UHUGEINT)) - 1) END;

CREATE MACRO in_net_num(n, c) AS n BETWEEN net_lo(c) AND net_hi(c);

CREATE MACRO in_net(a, c) AS ip_num(a) BETWEEN net_lo(c) AND net_hi(c);
