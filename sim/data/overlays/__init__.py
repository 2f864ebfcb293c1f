"""Package data: one overlay file per local plan (tianjin, qijiang, haicang, chizhou)."""
