// pgjdbc client run by TestPgjdbc: connects to the JDBC URL in args[0] and
// prints one line per check; the Go test compares the lines.
import java.sql.*;
import java.time.*;

public class PgjdbcClient {
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0], "tester", "")) {
            DatabaseMetaData md = c.getMetaData();
            System.out.println("product " + md.getDatabaseProductName() + " " + md.getDatabaseMajorVersion());
            try (ResultSet rs = md.getSchemas()) {
                StringBuilder b = new StringBuilder("schemas");
                while (rs.next()) b.append(' ').append(rs.getString("TABLE_SCHEM"));
                System.out.println(b);
            }
            try (ResultSet rs = md.getTables(null, null, "flows%", null)) {
                StringBuilder b = new StringBuilder("tables");
                while (rs.next()) b.append(' ').append(rs.getString("TABLE_NAME")).append(':').append(rs.getString("TABLE_TYPE"));
                System.out.println(b);
            }
            try (ResultSet rs = md.getColumns(null, null, "flows", "d%")) {
                StringBuilder b = new StringBuilder("columns");
                while (rs.next()) b.append(' ').append(rs.getString("COLUMN_NAME")).append(':').append(rs.getString("TYPE_NAME"));
                System.out.println(b);
            }
            try (ResultSet rs = md.getTypeInfo()) {
                int n = 0;
                while (rs.next()) n++;
                System.out.println("typeinfo " + (n > 0));
            }
            // Past prepareThreshold (5) pgjdbc uses a named server statement
            // and binary transfer.
            try (PreparedStatement ps = c.prepareStatement(
                    "select count(*) as n, sum(bytes) as b, min(stime) as t, max(dur) as d from flows where stime >= ? and proto = ?")) {
                for (int i = 0; i < 8; i++) {
                    ps.setObject(1, OffsetDateTime.of(2026, 11, 27, 0, 0, 0, 0, ZoneOffset.UTC));
                    ps.setString(2, "tcp");
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        ResultSetMetaData rm = rs.getMetaData();
                        if (i == 0 || i == 7) {
                            System.out.println("run " + i + " " + rs.getLong("n") + " " + rs.getBigDecimal("b") + " "
                                + rs.getObject("t", OffsetDateTime.class) + " " + rs.getDouble("d") + " "
                                + rm.getColumnTypeName(1) + "," + rm.getColumnTypeName(2) + "," + rm.getColumnTypeName(3) + "," + rm.getColumnTypeName(4));
                        }
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                st.executeQuery("create table x(a int)");
            } catch (SQLException e) {
                System.out.println("attack " + e.getSQLState());
            }
        }
    }
}
