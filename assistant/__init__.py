"""政策问答助手: policy Q&A over Chinese government support policies."""
