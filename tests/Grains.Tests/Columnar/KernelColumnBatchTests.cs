using Sluice.Columnar;

namespace Sluice.Tests.Columnar;

public class KernelColumnBatchTests
{
    [Fact]
    public void FromRows_ThenAppendRowsTo_GivesTheRowsBack_WithTheirClrTypes()
    {
        var rows = new KernelRandomData(21).Rows(500);
        var batch = ColumnBatch.FromRows(KernelRandomData.Schema, rows);
        var back = new List<object?[]>();
        batch.AppendRowsTo(back);
        Assert.Equal(rows.Count, back.Count);
        for (var r = 0; r < rows.Count; r++)
        {
            Assert.Equal(rows[r], back[r]);
            Assert.Equal(rows[r].Select(v => v?.GetType()), back[r].Select(v => v?.GetType()));
        }
    }

    [Fact]
    public void AppendRowsTo_GivesOnlyTheSelectedRows_InOrder()
    {
        var data = new KernelRandomData(22);
        var rows = data.Rows(300);
        var batch = new ColumnBatch(KernelRandomData.Schema);
        data.Fill(batch, rows);
        data.Fill(batch, rows);
        var back = new List<object?[]>();
        batch.AppendRowsTo(back);
        Assert.Equal(KernelRandomData.Selected(batch, rows), back);
    }
}
