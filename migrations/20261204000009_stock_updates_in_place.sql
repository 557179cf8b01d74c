-- Stock rows change on every sale: keep those updates in place (HOT). An index whose predicate reads
-- `quantity` made every quantity change write every index of the row; the low-stock index now depends
-- on the minimum only, and pages keep room for the new row versions.
DROP INDEX stocks_low_idx;
CREATE INDEX stocks_min_idx ON stocks (tenant_id, pdv_id) WHERE min_quantity > 0;
ALTER TABLE stocks SET (fillfactor = 80);
