// pgjdbc client run by TestPgjdbcMetaData: the DatabaseMetaData calls
// DBeaver and other JDBC tools make on connect, one line each: the row
// count, or the SQLSTATE of the failure.
import java.sql.*;

public class PgjdbcMetaData {
    interface Call { ResultSet run(DatabaseMetaData md) throws SQLException; }

    static void rows(String name, DatabaseMetaData md, Call call) {
        try (ResultSet rs = call.run(md)) {
            int n = 0;
            while (rs.next()) n++;
            System.out.println(name + " " + n);
        } catch (SQLException e) {
            System.out.println(name + " error " + e.getSQLState());
        }
    }

    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0], "tester", "")) {
            DatabaseMetaData md = c.getMetaData();
            rows("primarykeys", md, m -> m.getPrimaryKeys(null, "main", "flows"));
            rows("indexinfo", md, m -> m.getIndexInfo(null, "main", "flows", false, true));
            rows("bestrow", md, m -> m.getBestRowIdentifier(null, "main", "flows", DatabaseMetaData.bestRowSession, true));
            rows("importedkeys", md, m -> m.getImportedKeys(null, "main", "flows"));
            rows("exportedkeys", md, m -> m.getExportedKeys(null, "main", "flows"));
            rows("crossreference", md, m -> m.getCrossReference(null, "main", "flows", null, "main", "flows_tcp"));
            rows("tables", md, m -> m.getTables(null, null, "%", new String[] {"TABLE", "VIEW"}));
            try {
                String kw = md.getSQLKeywords();
                System.out.println("keywords " + (kw.length() > 0 && !kw.contains("tapdb")));
            } catch (SQLException e) {
                System.out.println("keywords error " + e.getSQLState());
            }
            try {
                System.out.println("isolation " + (c.getTransactionIsolation() == Connection.TRANSACTION_READ_COMMITTED));
            } catch (SQLException e) {
                System.out.println("isolation error " + e.getSQLState());
            }
        }
    }
}
