public enum ExprParserPlaceholder {}
